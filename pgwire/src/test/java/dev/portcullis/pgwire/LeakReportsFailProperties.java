package dev.portcullis.pgwire;

import net.jqwik.api.lifecycle.AroundContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;

/**
 * {@link LeakReportsFailTests} for jqwik property classes, which run on jqwik's engine and never
 * see Jupiter extensions: add it with {@code @AddLifecycleHook(LeakReportsFailProperties.class)}.
 */
public final class LeakReportsFailProperties implements AroundContainerHook {

    @Override
    public void beforeContainer(ContainerLifecycleContext context) {
        LeakReportsFailTests.startRecording();
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) {
        LeakReportsFailTests.assertNoLeakReported();
    }
}
