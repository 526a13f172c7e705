package dev.portcullis.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.portcullis.api.v1.ObjectMeta;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.Resource;

/**
 * Kind-independent access to the fields every resource message has ({@code apiVersion},
 * {@code kind}, {@code metadata}), so that storage, watch and replicas need no per-kind code.
 */
public final class Resources {

    /** The only namespace for now; references carry it ("pg1.default") as the reference does. */
    public static final String DEFAULT_NAMESPACE = "default";

    private Resources() {}

    public static ObjectMeta metadata(Resource resource) {
        Message m = Kind.of(resource).unwrap(resource);
        return (ObjectMeta) m.getField(field(m, "metadata"));
    }

    public static String name(Resource resource) {
        return metadata(resource).getName();
    }

    /** The same resource with new metadata, and apiVersion/kind filled in. */
    public static Resource withMetadata(Resource resource, ObjectMeta metadata) {
        Kind kind = Kind.of(resource);
        Message m = kind.unwrap(resource);
        Message updated = m.toBuilder()
                .setField(field(m, "metadata"), metadata)
                .setField(field(m, "api_version"), Kind.API_VERSION)
                .setField(field(m, "kind"), kind.displayName())
                .build();
        return kind.wrap(updated);
    }

    /**
     * A reference to the resource, named as the reference's AccessLog names it: Services are
     * namespaced ("pg1.default"), identities are not ("usr1").
     */
    public static ObjectRef ref(Resource resource) {
        ObjectMeta meta = metadata(resource);
        Kind kind = Kind.of(resource);
        String name = kind == Kind.SERVICE ? meta.getName() + "." + DEFAULT_NAMESPACE : meta.getName();
        return ObjectRef.newBuilder()
                .setApiVersion(Kind.API_VERSION)
                .setKind(kind.displayName())
                .setName(name)
                .setResourceVersion(meta.getResourceVersion())
                .setUid(meta.getUid())
                .build();
    }

    private static FieldDescriptor field(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f == null) {
            throw new IllegalStateException(m.getDescriptorForType().getName() + " has no field " + name);
        }
        return f;
    }
}
