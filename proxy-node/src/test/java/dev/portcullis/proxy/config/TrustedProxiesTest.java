package dev.portcullis.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private static boolean trusts(TrustedProxies t, String address) {
        return t.trusts(new InetSocketAddress(address, 1234));
    }

    @Test
    void blocksMatchByPrefix() {
        TrustedProxies t = TrustedProxies.parse(List.of("10.1.0.0/16", " 127.0.0.2 ", "192.168.7.128/25", "fd00::/8"));
        assertTrue(trusts(t, "10.1.255.3"));
        assertFalse(trusts(t, "10.2.0.1"));
        assertTrue(trusts(t, "127.0.0.2"));
        assertFalse(trusts(t, "127.0.0.1"), "a bare address is a /32");
        assertTrue(trusts(t, "192.168.7.200"));
        assertFalse(trusts(t, "192.168.7.100"));
        assertTrue(trusts(t, "fd12:3456::1"));
        assertFalse(trusts(t, "fe80::1"));
    }

    @Test
    void noneTrustsNobody() {
        assertFalse(trusts(TrustedProxies.parse(List.of()), "127.0.0.1"));
        assertFalse(trusts(TrustedProxies.NONE, "10.0.0.1"));
        assertEquals("none", TrustedProxies.parse(List.of("")).toString());
    }

    @Test
    void badEntriesAreRefusedByName() {
        for (String bad :
                new String[] {"balancer.internal", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "10.0.0.0/-1"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of(bad)));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }
}
