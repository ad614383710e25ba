#!/bin/sh
# scp-only.sh - an sshd ForceCommand that lets only scp through, like an
# scp-only account: any other command (mv, rm) is refused.
case ${SSH_ORIGINAL_COMMAND:-} in
"scp -t "*|"scp -f "*) exec /bin/sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
echo "this account allows scp only" >&2
exit 1
