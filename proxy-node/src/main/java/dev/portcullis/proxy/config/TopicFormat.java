package dev.portcullis.proxy.config;

/** What a record's value on the access-log topic is (portcullis.audit.topic-format). */
public enum TopicFormat {
    /** {@code portcullis.v1.AccessLog} in protobuf's binary form, no registry framing: the default. */
    PROTOBUF("application/protobuf"),
    /** Its protobuf JSON, in the reference's shape: for consumers that want to read JSON off the topic. */
    JSON("application/json");

    private final String contentType;

    TopicFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
