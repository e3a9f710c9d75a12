package io.mlgate.vpc;

/**
 * IPv4 addresses as {@code int}s and CIDR blocks, parsed by hand (strict dotted quads, no leading zeros, no host
 * names), so that topology text never reaches a DNS resolver and lookups compare integers.
 */
public final class Ipv4 {

    private Ipv4() {
    }

    /** A CIDR block; {@code network} has no host bits set. */
    public record Cidr(int network, int prefix) {

        public Cidr {
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("prefix length " + prefix + " is outside 0..32");
            }
            if ((network & ~mask(prefix)) != 0) {
                throw new IllegalArgumentException(format(network) + "/" + prefix + " has host bits set");
            }
        }

        /**
         * Parses {@code 10.20.0.0/16}.
         *
         * @throws IllegalArgumentException if the text is not an IPv4 CIDR block with host bits clear
         */
        public static Cidr parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block (expected a.b.c.d/n)");
            }
            int address = Ipv4.parse(text.substring(0, slash));
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
            }
            int prefix = Integer.parseInt(p);
            if (prefix > 32) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length above 32");
            }
            if ((address & ~mask(prefix)) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set (the block is "
                        + format(address & mask(prefix)) + "/" + prefix + ")");
            }
            return new Cidr(address, prefix);
        }

        public boolean contains(int address) {
            return (address & mask(prefix)) == network;
        }

        /** Whether this block lies wholly inside {@code other}. */
        public boolean within(Cidr other) {
            return prefix >= other.prefix && other.contains(network);
        }

        public boolean overlaps(Cidr other) {
            return contains(other.network) || other.contains(network);
        }

        /** The highest address of the block. */
        public int last() {
            return network | ~mask(prefix);
        }

        /** The address {@code offset} places after the network address. */
        public int host(int offset) {
            return network + offset;
        }

        @Override
        public String toString() {
            return format(network) + "/" + prefix;
        }
    }

    /**
     * Parses a dotted quad such as {@code 10.20.1.10}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    /** The address of a {@link java.net.InetAddress}'s bytes, or {@code null} unless it is IPv4 (or IPv4-mapped IPv6). */
    public static Integer of(byte[] bytes) {
        if (bytes.length == 4) {
            return ((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
        }
        if (bytes.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (bytes[i] != 0) {
                    return null;
                }
            }
            if ((bytes[10] & 0xFF) != 0xFF || (bytes[11] & 0xFF) != 0xFF) {
                return null;
            }
            return ((bytes[12] & 0xFF) << 24) | ((bytes[13] & 0xFF) << 16) | ((bytes[14] & 0xFF) << 8) | (bytes[15] & 0xFF);
        }
        return null;
    }

    public static String format(int address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }
}
