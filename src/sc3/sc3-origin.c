/* sc3-origin.c - which unit a bundle comes from, and this unit: serial,
 * host name, management addresses, certwiz version (bundle.h, "o" lines).
 *
 * This unit's management addresses, first that applies:
 *   1. [device] mgmt_addresses: the list given (tests and odd set-ups);
 *   2. [device] mgmt_interface: the addresses of that interface;
 *   3. the addresses of every interface that carries a default route
 *      (/proc/net/route, /proc/net/ipv6_route), via getifaddrs().
 * Loopback and IPv6 link-local addresses are never management addresses.
 *
 * The vendor's prerequisite is that both appliances have the same IP
 * address: a restore goes ahead when the bundle's addresses and this unit's
 * have at least one in common. */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "sc3/sc3.h"

#define ROUTE_IFACES 8

static void
add_addr(struct cw_bundle_origin *o, const char *a)
{
	for (size_t i = 0; i < o->naddrs; i++)
		if (strcmp(o->addrs[i], a) == 0)
			return;
	if (o->naddrs < CW_BUNDLE_ORIGIN_ADDRS)
		snprintf(o->addrs[o->naddrs++], CW_BUNDLE_ADDR_MAX, "%s", a);
}

/* The configured list, canonical (cfg.c validated it). */
static void
from_list(const char *list, struct cw_bundle_origin *o)
{
	char item[CW_BUNDLE_ADDR_MAX], a[CW_BUNDLE_ADDR_MAX];
	unsigned char bin[16];
	const char *p = list;
	int r;

	while ((r = cw_cfg_list_next(&p, item, sizeof(item))) != 0) {
		if (r == -1)
			continue;
		if (inet_pton(AF_INET, item, bin) == 1 &&
		    inet_ntop(AF_INET, bin, a, sizeof(a)) != NULL)
			add_addr(o, a);
		else if (inet_pton(AF_INET6, item, bin) == 1 &&
		    inet_ntop(AF_INET6, bin, a, sizeof(a)) != NULL)
			add_addr(o, a);
	}
}

/* Names of the interfaces with a default route (IPv4 and IPv6). */
static size_t
route_ifaces(char names[ROUTE_IFACES][IF_NAMESIZE])
{
	char line[512], ifn[64], dst[64], mask[64];
	size_t n = 0;
	unsigned plen;
	FILE *f;

	if ((f = fopen("/proc/net/route", "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL && n < ROUTE_IFACES)
			/* Iface Destination Gateway Flags RefCnt Use Metric Mask */
			if (sscanf(line, "%63s %63s %*s %*s %*s %*s %*s %63s", ifn, dst, mask) == 3 &&
			    strcmp(dst, "00000000") == 0 && strcmp(mask, "00000000") == 0 &&
			    strlen(ifn) < IF_NAMESIZE)
				snprintf(names[n++], IF_NAMESIZE, "%s", ifn);
		fclose(f);
	}
	if ((f = fopen("/proc/net/ipv6_route", "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL && n < ROUTE_IFACES)
			/* dst plen src splen nexthop metric ref use flags iface */
			if (sscanf(line, "%63s %x %*s %*s %*s %*s %*s %*s %*s %63s", dst, &plen, ifn) == 3 &&
			    plen == 0 && strspn(dst, "0") == 32 && strcmp(ifn, "lo") != 0 &&
			    strlen(ifn) < IF_NAMESIZE)
				snprintf(names[n++], IF_NAMESIZE, "%s", ifn);
		fclose(f);
	}
	return n;
}

static int
management_addr(const struct sockaddr *sa, char *out, size_t len)
{
	if (sa->sa_family == AF_INET) {
		const struct in_addr *a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;

		if ((ntohl(a->s_addr) >> 24) == 127)
			return 0;
		return inet_ntop(AF_INET, a, out, (socklen_t)len) != NULL;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a))
			return 0;
		return inet_ntop(AF_INET6, a, out, (socklen_t)len) != NULL;
	}
	return 0;
}

int
cw_sc3_origin_self(const struct cw_cfg *cfg, struct cw_bundle_origin *o,
    struct cw_error *err)
{
	char names[ROUTE_IFACES][IF_NAMESIZE], a[CW_BUNDLE_ADDR_MAX];
	struct ifaddrs *ifa = NULL, *i;
	size_t nnames = 0;

	memset(o, 0, sizeof(*o));
	o->present = 1;
	snprintf(o->serial, sizeof(o->serial), "%s", cfg->device_serial ? cfg->device_serial : "");
	if (gethostname(o->hostname, sizeof(o->hostname) - 1) == -1)
		o->hostname[0] = '\0';
	snprintf(o->version, sizeof(o->version), "%s", PACKAGE_VERSION);
	if (cfg->mgmt_addresses != NULL && cfg->mgmt_addresses[0] != '\0') {
		from_list(cfg->mgmt_addresses, o);
		return 0;
	}
	if (cfg->mgmt_interface != NULL && cfg->mgmt_interface[0] != '\0') {
		snprintf(names[0], IF_NAMESIZE, "%s", cfg->mgmt_interface);
		nnames = 1;
	} else
		nnames = route_ifaces(names);
	if (nnames == 0)
		return 0;
	if (getifaddrs(&ifa) == -1)
		return cw_error_set(err, CW_E_IO, _("cannot list this unit's network addresses"));
	for (size_t k = 0; k < nnames; k++)
		for (i = ifa; i != NULL; i = i->ifa_next)
			if (i->ifa_addr != NULL && strcmp(i->ifa_name, names[k]) == 0 &&
			    management_addr(i->ifa_addr, a, sizeof(a)))
				add_addr(o, a);
	freeifaddrs(ifa);
	return 0;
}

const char *
cw_sc3_origin_common(const struct cw_bundle_origin *bundle,
    const struct cw_bundle_origin *self)
{
	for (size_t i = 0; i < bundle->naddrs; i++)
		for (size_t j = 0; j < self->naddrs; j++)
			if (strcmp(bundle->addrs[i], self->addrs[j]) == 0)
				return bundle->addrs[i];
	return NULL;
}

int
cw_sc3_origin_match(const struct cw_bundle_origin *bundle,
    const struct cw_bundle_origin *self)
{
	return cw_sc3_origin_common(bundle, self) != NULL;
}

void
cw_sc3_origin_addrs(const struct cw_bundle_origin *o, char *buf, size_t len)
{
	size_t n = 0;

	/* TRANSLATORS: in place of a list of IP addresses. */
	snprintf(buf, len, "%s", _("none"));
	for (size_t i = 0; i < o->naddrs; i++) {
		snprintf(buf + (i > 0 ? n : 0), len - (i > 0 ? n : 0), "%s%s",
		    i > 0 ? ", " : "", o->addrs[i]);
		n = strlen(buf);
	}
}
