package dev.portico.transport.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseMessagesTest {

    private final List<String> messages = new ArrayList<>();
    private final List<Throwable> endings = new ArrayList<>();

    @Test
    void eachEventOfAStreamIsHandedOnOnceItsBlankLineArrives() {
        ResponseMessages stream = eventStream(1024);

        feed(stream, "id: 1\nevent: message\ndata: {\"a\":1}\n");
        assertThat(messages).isEmpty();
        feed(stream, "\n: a comment\n\ndata: {\"b\":2}\n\n");

        assertThat(messages).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(endings).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void linesEndAtLfCrlfOrCr(String newline) {
        ResponseMessages stream = eventStream(1024);

        // What follows the event tells a CR at the end of a buffer from the first half of a CRLF.
        feed(stream, ("event: message" + newline + "data: one" + newline + "data:two" + newline + newline + ": more"));

        assertThat(messages).containsExactly("one\ntwo");
    }

    @Test
    void anEventSplitAnywhereIsReadTheSame() {
        byte[] whole = "data: {\"text\":\"héllo ✓\"}\r\n\r\ndata: second\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < whole.length; cut++) {
            messages.clear();
            ResponseMessages stream = eventStream(1024);
            stream.onSubscribe(new NoFlowControl());
            stream.onNext(List.of(ByteBuffer.wrap(whole, 0, cut)));
            stream.onNext(List.of(ByteBuffer.wrap(whole, cut, whole.length - cut)));

            assertThat(messages).as("cut at %d", cut).containsExactly("{\"text\":\"héllo ✓\"}", "second");
        }
    }

    @Test
    void aLastEventWithoutItsBlankLineCountsWhenTheStreamEnds() {
        ResponseMessages stream = eventStream(1024);

        feed(stream, "data: last");
        stream.onComplete();

        assertThat(messages).containsExactly("last");
        assertThat(endings).isEmpty();
    }

    @Test
    void aDocumentIsHandedOnWholeWhenTheBodyEnds() {
        ResponseMessages document = ResponseMessages.document(messages::add, endings::add, 1024);

        feed(document, "{\"jsonrpc\":\"2.0\",");
        feed(document, "\"id\":1,\"result\":{}}");
        assertThat(messages).isEmpty();
        document.onComplete();

        assertThat(messages).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }

    @Test
    void aBodyOverItsLimitEndsTheReadWithAnError() {
        ResponseMessages stream = eventStream(16);
        NoFlowControl subscription = new NoFlowControl();
        stream.onSubscribe(subscription);

        stream.onNext(List.of(ByteBuffer.wrap("data: 0123456789abcdef\n\n".getBytes(StandardCharsets.UTF_8))));

        assertThat(messages).isEmpty();
        assertThat(subscription.cancelled).isTrue();
        assertThat(endings).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("16 bytes"));
    }

    private ResponseMessages eventStream(int maxBytes) {
        return ResponseMessages.eventStream(messages::add, endings::add, maxBytes);
    }

    private static void feed(ResponseMessages reader, String text) {
        reader.onSubscribe(new NoFlowControl());
        reader.onNext(List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static final class NoFlowControl implements Flow.Subscription {
        boolean cancelled;

        @Override
        public void request(long n) {}

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
