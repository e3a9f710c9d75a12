package io.mlgate.iam.policy;

import java.util.Locale;

/**
 * An IPv4 or IPv6 CIDR block from an IpAddress/NotIpAddress condition (a bare address is a /32 or /128). Addresses
 * are parsed by hand so that no text ever reaches a DNS resolver.
 */
public final class IpRange {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses {@code 203.0.113.0/24}, {@code 2001:db8::/32}, or a bare address.
     *
     * @throws IllegalArgumentException if the text is not an IP address or CIDR block
     */
    public static IpRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = parseAddress(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or CIDR block");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length above " + max);
            }
        }
        return new IpRange(mask(bytes, prefix), prefix, text);
    }

    /** True if {@code address} (an IPv4 or IPv6 literal; IPv4-mapped IPv6 counts as IPv4) lies in this block. */
    public boolean contains(String address) {
        byte[] a = parseAddress(address);
        if (a == null || a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & m) == (network[full] & 0xFF);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            int m = bitsHere == 0 ? 0 : (0xFF << (8 - bitsHere)) & 0xFF;
            out[i] = (byte) (out[i] & m);
        }
        return out;
    }

    /** Parses an IP literal; returns 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6, or null if invalid. */
    static byte[] parseAddress(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        byte[] v6 = parseIpv6(s.toLowerCase(Locale.ROOT));
        if (v6 != null && isIpv4Mapped(v6)) {
            return new byte[] {v6[12], v6[13], v6[14], v6[15]};
        }
        return v6;
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static byte[] parseIpv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseIpv6(String s) {
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl < 0 ? s : s.substring(0, dbl);
        String tail = dbl < 0 ? "" : s.substring(dbl + 2);
        int[] headGroups = groups(head);
        int[] tailGroups = groups(tail);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int total = headGroups.length + tailGroups.length;
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            out[2 * i] = (byte) (headGroups[i] >> 8);
            out[2 * i + 1] = (byte) headGroups[i];
        }
        int offset = 8 - tailGroups.length;
        for (int i = 0; i < tailGroups.length; i++) {
            out[2 * (offset + i)] = (byte) (tailGroups[i] >> 8);
            out[2 * (offset + i) + 1] = (byte) tailGroups[i];
        }
        return out;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** Splits colon-separated hex groups; a trailing dotted IPv4 becomes two groups. Empty text gives no groups. */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (v4Tail && i == n - 1) {
                byte[] v4 = parseIpv4(p);
                if (v4 == null) {
                    return null;
                }
                out[i] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[i + 1] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = hex(p.charAt(k));
                if (d < 0) {
                    return null;
                }
                v = (v << 4) | d;
            }
            out[i] = v;
        }
        return out;
    }
}
