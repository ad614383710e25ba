// age-node.mjs - the independent age implementation from npm
// (age-encryption, installed by build-aux/install-deps under a fixed prefix)
// encrypting or decrypting with a passphrase, for the interop test.
//
// usage: node age-node.mjs encrypt|decrypt PASSFILE IN OUT [--armor] [--work-factor N]
// The passphrase comes from PASSFILE, never argv.  Exit 0 on success, 1 on
// failure (message on stderr), 2 on usage.
import { readFileSync, writeFileSync } from "node:fs";

const prefix = process.env.CW_NODE_PREFIX || "/usr/local/lib/certwiz-tests";
const age = await import(`${prefix}/node_modules/age-encryption/dist/index.js`);

const [mode, passFile, inFile, outFile, ...rest] = process.argv.slice(2);
if (!["encrypt", "decrypt"].includes(mode) || !outFile) {
  console.error("usage: node age-node.mjs encrypt|decrypt PASSFILE IN OUT [--armor] [--work-factor N]");
  process.exit(2);
}
const pass = readFileSync(passFile, "utf8").trim();
const armor = rest.includes("--armor");
const wfAt = rest.indexOf("--work-factor");
try {
  const input = readFileSync(inFile);
  if (mode === "encrypt") {
    const e = new age.Encrypter();
    if (wfAt >= 0) e.setScryptWorkFactor(Number(rest[wfAt + 1]));
    e.setPassphrase(pass);
    const ct = await e.encrypt(new Uint8Array(input));
    writeFileSync(outFile, armor ? age.armor.encode(ct) : ct);
  } else {
    const d = new age.Decrypter();
    d.addPassphrase(pass);
    let ct = new Uint8Array(input);
    if (armor) ct = age.armor.decode(input.toString("utf8"));
    const pt = await d.decrypt(ct);
    writeFileSync(outFile, pt);
  }
} catch (e) {
  console.error(`age-encryption: ${e.message || e}`);
  process.exit(1);
}
