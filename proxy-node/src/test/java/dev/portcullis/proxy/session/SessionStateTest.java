package dev.portcullis.proxy.session;

import static dev.portcullis.proxy.session.SessionState.AUTHORIZING;
import static dev.portcullis.proxy.session.SessionState.AWAIT_STARTUP;
import static dev.portcullis.proxy.session.SessionState.AWAIT_TOKEN;
import static dev.portcullis.proxy.session.SessionState.CLOSING;
import static dev.portcullis.proxy.session.SessionState.CONNECTING;
import static dev.portcullis.proxy.session.SessionState.READY;
import static dev.portcullis.proxy.session.SessionState.TLS;
import static dev.portcullis.proxy.session.SessionState.UPSTREAM_AUTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionStateTest {
    @Test
    void aSessionsPathFromAcceptToClose() {
        SessionState s = AWAIT_STARTUP;
        for (SessionState next : new SessionState[] {
            TLS, AWAIT_STARTUP, AWAIT_TOKEN, AUTHORIZING, CONNECTING, UPSTREAM_AUTH, READY, CLOSING
        }) {
            s = s.next(next);
        }
        assertEquals(CLOSING, s);
    }

    @Test
    void everyStateMayCloseAndClosingIsFinal() {
        for (SessionState s : SessionState.values()) {
            assertEquals(CLOSING, s.next(CLOSING));
        }
        for (SessionState s : SessionState.values()) {
            if (s != CLOSING) {
                assertThrows(IllegalStateException.class, () -> CLOSING.next(s), "CLOSING -> " + s);
            }
        }
    }

    @Test
    void noStepIsSkippedOrTakenBack() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AWAIT_STARTUP.next(READY));
        assertEquals("a session cannot go from AWAIT_STARTUP to READY", e.getMessage());
        assertThrows(IllegalStateException.class, () -> AWAIT_TOKEN.next(CONNECTING), "the token is decided first");
        assertThrows(IllegalStateException.class, () -> READY.next(AWAIT_TOKEN));
        assertThrows(IllegalStateException.class, () -> AUTHORIZING.next(AWAIT_TOKEN), "one token per connection");
        assertThrows(IllegalStateException.class, () -> TLS.next(TLS), "TLS once");
    }

    @Test
    void onlyTheStatesThatWaitForTheClientReadIt() {
        for (SessionState s : SessionState.values()) {
            assertEquals(s == AWAIT_STARTUP || s == AWAIT_TOKEN || s == READY, s.readsClient(), s.name());
        }
        assertTrue(READY.readsClient());
        assertFalse(AUTHORIZING.readsClient());
    }
}
