package dev.genapi.core.webhooks;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which callback URLs and addresses genapi may POST to. A callback URL is checked when it is submitted (its
 * form, and its host when that is an address), and every address its host resolves to is checked again when
 * a delivery connects, so a name that later resolves to an internal address (DNS rebinding) is refused too:
 * loopback, private (RFC 1918, unique-local), link-local (which holds the cloud metadata service,
 * 169.254.169.254), carrier-grade NAT, unspecified, multicast and reserved addresses are never called.
 * <p>
 * Deployed, only {@code https} is taken. A test or a private deployment may allow {@code http}
 * ({@code WEBHOOK_ALLOW_HTTP}) and name networks it trusts ({@code WEBHOOK_ALLOWED_NETWORKS}, CIDRs).
 */
public final class WebhookTargets {

    /** Longer URLs are refused; receivers do not need them. */
    public static final int MAX_URL_LENGTH = 2_048;

    /** A callback URL or address that genapi will not call, and why (safe to show to the caller). */
    public static final class RefusedTarget extends Exception {
        public RefusedTarget(String reason) {
            super(reason, null, false, false);
        }
    }

    private final boolean allowHttp;
    private final List<Network> allowed;

    public WebhookTargets(boolean allowHttp, List<String> allowedNetworks) {
        this.allowHttp = allowHttp;
        this.allowed = allowedNetworks.stream().map(Network::parse).toList();
    }

    /** From WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_NETWORKS (names as in template.yaml). */
    public static WebhookTargets from(Env env) {
        return new WebhookTargets(env.flag("WEBHOOK_ALLOW_HTTP", false), env.list("WEBHOOK_ALLOWED_NETWORKS"));
    }

    /** The URL if genapi may call it: absolute, https (or allowed http), a host, no user info, no fragment. */
    public URI checkUrl(String raw) throws RefusedTarget {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_URL_LENGTH) {
            throw new RefusedTarget("must be an https URL of at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new RefusedTarget("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new RefusedTarget(allowHttp ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new RefusedTarget("must name a host, without user info or a fragment");
        }
        Optional<InetAddress> literal = literalAddress(uri.getHost());
        if (literal.isPresent()) {
            checkAddress(literal.get());
        } else if (uri.getHost().toLowerCase(Locale.ROOT).equals("localhost")
                || uri.getHost().toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            throw new RefusedTarget("names a loopback host");
        }
        return uri;
    }

    /** Passes when genapi may connect to the address. */
    public void checkAddress(InetAddress address) throws RefusedTarget {
        Optional<String> kind = nonPublic(address);
        if (kind.isPresent() && allowed.stream().noneMatch(network -> network.contains(address))) {
            throw new RefusedTarget("resolves to a " + kind.get() + " address, which genapi does not call");
        }
    }

    /** What kind of non-public address this is, if it is one. */
    static Optional<String> nonPublic(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isMappedOrCompatibleV4(b)) { // ::ffff:a.b.c.d and ::a.b.c.d reach the IPv4 address
                try {
                    return nonPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("private (unique-local)"); // fc00::/7, which holds fd00:ec2::254, the metadata service
            }
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
                return Optional.of("reserved (documentation)");
            }
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
                if (b[4] == 0 && b[5] == 1) {
                    return Optional.of("reserved (local-use NAT64)"); // 64:ff9b:1::/48
                }
                boolean wellKnown = true; // 64:ff9b::/96 reaches the IPv4 address in its last 4 bytes (DNS64)
                for (int i = 4; i < 12; i++) {
                    wellKnown &= b[i] == 0;
                }
                if (wellKnown) {
                    try {
                        return nonPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)))
                                .map(kind -> kind + ", through NAT64");
                    } catch (UnknownHostException impossible) {
                        throw new IllegalStateException(impossible);
                    }
                }
                return Optional.of("reserved (NAT64)");
            }
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local (cloud metadata)");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        if (address instanceof Inet4Address) {
            int first = address.getAddress()[0] & 0xff;
            int second = address.getAddress()[1] & 0xff;
            if (first == 0) {
                return Optional.of("unspecified");
            }
            if (first == 100 && second >= 64 && second < 128) {
                return Optional.of("private (carrier-grade NAT)");
            }
            if (first == 192 && second == 0 && (address.getAddress()[2] & 0xff) == 0) {
                return Optional.of("reserved (IETF protocol assignments)");
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return Optional.of("reserved (benchmarking)");
            }
            if (first >= 240) {
                return Optional.of("reserved"); // includes 255.255.255.255
            }
        }
        return Optional.empty();
    }

    private static boolean isMappedOrCompatibleV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0 || b[14] != 0 || (b[15] & 0xff) > 1);
        return mapped || compatible;
    }

    /** The host as an address when it is written as one (never a DNS lookup). */
    static Optional<InetAddress> literalAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = bare.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = bare.contains(":") && bare.matches("[0-9a-fA-F:.%]+");
        if (!v4 && !v6) {
            if (bare.matches("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}")) {
                return Optional.of(unparseable()); // 2130706433, 0x7f.1, 127.1: forms a resolver may read as loopback
            }
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.of(unparseable());
        }
    }

    /** Stands for a host written in an address form genapi does not take: it is refused as unspecified. */
    private static InetAddress unparseable() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** A CIDR block: an address and a prefix length. */
    private record Network(byte[] base, int prefix) {
        static Network parse(String cidr) {
            String[] parts = cidr.trim().split("/", 2);
            try {
                byte[] base = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : base.length * 8;
                if (prefix < 0 || prefix > base.length * 8 || !parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException();
                }
                return new Network(base, prefix);
            } catch (IllegalArgumentException | UnknownHostException e) {
                throw new ConfigurationException("WEBHOOK_ALLOWED_NETWORKS: " + cidr + " is not an address or CIDR block");
            }
        }

        boolean contains(InetAddress address) {
            byte[] other = address.getAddress();
            if (other.length != base.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((other[bit / 8] & mask) != (base[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
