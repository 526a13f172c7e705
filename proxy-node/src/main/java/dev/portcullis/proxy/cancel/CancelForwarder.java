package dev.portcullis.proxy.cancel;

import dev.portcullis.pgwire.message.frontend.CancelRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A client's CancelRequest, carrying a proxy-minted key, becomes a CancelRequest to the
 * upstream with the upstream's own key. Like PostgreSQL, the client gets no answer either way,
 * and an unknown key is dropped silently. Keys are never logged.
 */
@ApplicationScoped
public class CancelForwarder {
    private static final Logger LOG = Logger.getLogger(CancelForwarder.class);
    private final CancelKeys keys;

    public CancelForwarder(CancelKeys keys) {
        this.keys = keys;
    }

    public void forward(CancelRequest request, Channel client) {
        byte[] secret = request.secretKey();
        Optional<CancelKeys.Target> target = secret.length == 4
                ? keys.lookup(request.processId(), ByteBuffer.wrap(secret).getInt()) : Optional.empty();
        client.close();
        if (target.isEmpty()) {
            LOG.debugf("cancel request from %s with an unknown key: dropped", client.remoteAddress());
            return;
        }
        CancelKeys.Target t = target.get();
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(t.host(), t.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.warnf("cannot forward a cancel request to %s:%d: %s", t.host(), t.port(), f.cause().toString());
                        return;
                    }
                    byte[] upstreamSecret = ByteBuffer.allocate(4).putInt(t.secretKey()).array();
                    f.channel().writeAndFlush(new CancelRequest(t.processId(), upstreamSecret).encode(f.channel().alloc()))
                            .addListener(ChannelFutureListener.CLOSE);
                });
    }
}
