package dev.portcullis.proxy.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancers whose PROXY protocol header is believed ({@code portcullis.listen.trusted-proxies}):
 * CIDR blocks such as {@code 10.0.0.0/8}, {@code 127.0.0.2/32} or {@code fd00::/8}. A connection
 * from one of them must begin with a PROXY header, which names the real client; a header from
 * anyone else is refused, since it would let a client choose the address it is limited and audited as.
 */
public final class TrustedProxies {
    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;
    private final String text;

    private TrustedProxies(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "none");

    /**
     * @throws IllegalArgumentException naming the entry, for anything but an IP address with an
     *     optional /prefix (host names are refused: trust must not follow DNS)
     */
    public static TrustedProxies parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : cidrs) {
            String cidr = raw.trim();
            if (cidr.isEmpty()) {
                continue;
            }
            int slash = cidr.indexOf('/');
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw invalid(cidr, "not an IP address");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(host).getAddress(); // a literal: no DNS lookup
            } catch (UnknownHostException e) {
                throw invalid(cidr, "not an IP address");
            }
            int prefix;
            try {
                prefix = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(cidr, "the prefix is not a number");
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw invalid(cidr, "the prefix must be 0-" + network.length * 8);
            }
            blocks.add(new Block(network, prefix));
        }
        return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(blocks), String.join(", ", cidrs));
    }

    private static IllegalArgumentException invalid(String cidr, String why) {
        return new IllegalArgumentException("portcullis.listen.trusted-proxies: \"" + cidr + "\" is " + why
                + " (expected CIDR blocks such as 10.0.0.0/8 or 127.0.0.2/32)");
    }

    /** Whether a connection from {@code peer} comes from a trusted proxy. */
    public boolean trusts(SocketAddress peer) {
        if (blocks.isEmpty() || !(peer instanceof InetSocketAddress a) || a.getAddress() == null) {
            return false;
        }
        byte[] address = a.getAddress().getAddress();
        return blocks.stream().anyMatch(b -> b.contains(address));
    }

    @Override
    public String toString() {
        return text;
    }
}
