package dev.portico.transport.upstream;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * How one upstream client presents itself and where what the upstream sends on its own goes.
 *
 * <p>Each capability is declared to the upstream only when its handler is set, so Portico never promises an upstream
 * something the downstream client cannot do. Build with {@link #builder()}; immutable once built.
 */
public final class UpstreamClientSpec {

    private final McpSchema.Implementation clientInfo;
    private final Function<McpSchema.CreateMessageRequest, Mono<McpSchema.CreateMessageResult>> sampling;
    private final Function<McpSchema.ElicitFormRequest, Mono<McpSchema.ElicitResult>> formElicitation;
    private final Function<McpSchema.ElicitUrlRequest, Mono<McpSchema.ElicitResult>> urlElicitation;
    private final List<McpSchema.Root> roots;
    private final boolean rootsDeclared;
    private final Consumer<List<McpSchema.Tool>> toolsChanged;
    private final Consumer<List<McpSchema.Resource>> resourcesChanged;
    private final Consumer<List<McpSchema.Prompt>> promptsChanged;
    private final Function<String, Mono<Void>> resourceUpdated;
    private final Function<McpSchema.LoggingMessageNotification, Mono<Void>> logging;
    private final Function<McpSchema.ProgressNotification, Mono<Void>> progress;
    private final Supplier<Optional<String>> authorization;

    private UpstreamClientSpec(Builder b) {
        this.clientInfo = b.clientInfo;
        this.sampling = b.sampling;
        this.formElicitation = b.formElicitation;
        this.urlElicitation = b.urlElicitation;
        this.roots = List.copyOf(b.roots);
        this.rootsDeclared = b.rootsDeclared;
        this.toolsChanged = b.toolsChanged;
        this.resourcesChanged = b.resourcesChanged;
        this.promptsChanged = b.promptsChanged;
        this.resourceUpdated = b.resourceUpdated;
        this.logging = b.logging;
        this.progress = b.progress;
        this.authorization = b.authorization;
    }

    public static Builder builder() {
        return new Builder();
    }

    McpSchema.ClientCapabilities capabilities() {
        McpSchema.ClientCapabilities.Builder caps = McpSchema.ClientCapabilities.builder();
        if (rootsDeclared) {
            caps.roots(true);
        }
        if (sampling != null) {
            caps.sampling();
        }
        if (formElicitation != null || urlElicitation != null) {
            caps.elicitation(formElicitation != null, urlElicitation != null);
        }
        return caps.build();
    }

    McpSchema.Implementation clientInfo() {
        return clientInfo;
    }

    Function<McpSchema.CreateMessageRequest, Mono<McpSchema.CreateMessageResult>> sampling() {
        return sampling;
    }

    Function<McpSchema.ElicitFormRequest, Mono<McpSchema.ElicitResult>> formElicitation() {
        return formElicitation;
    }

    Function<McpSchema.ElicitUrlRequest, Mono<McpSchema.ElicitResult>> urlElicitation() {
        return urlElicitation;
    }

    List<McpSchema.Root> roots() {
        return roots;
    }

    boolean rootsDeclared() {
        return rootsDeclared;
    }

    Consumer<List<McpSchema.Tool>> toolsChanged() {
        return toolsChanged;
    }

    Consumer<List<McpSchema.Resource>> resourcesChanged() {
        return resourcesChanged;
    }

    Consumer<List<McpSchema.Prompt>> promptsChanged() {
        return promptsChanged;
    }

    Function<String, Mono<Void>> resourceUpdated() {
        return resourceUpdated;
    }

    Function<McpSchema.LoggingMessageNotification, Mono<Void>> logging() {
        return logging;
    }

    Function<McpSchema.ProgressNotification, Mono<Void>> progress() {
        return progress;
    }

    Supplier<Optional<String>> authorization() {
        return authorization;
    }

    public static final class Builder {
        private McpSchema.Implementation clientInfo = new McpSchema.Implementation("portico", "dev");
        private Function<McpSchema.CreateMessageRequest, Mono<McpSchema.CreateMessageResult>> sampling;
        private Function<McpSchema.ElicitFormRequest, Mono<McpSchema.ElicitResult>> formElicitation;
        private Function<McpSchema.ElicitUrlRequest, Mono<McpSchema.ElicitResult>> urlElicitation;
        private final List<McpSchema.Root> roots = new ArrayList<>();
        private boolean rootsDeclared;
        private Consumer<List<McpSchema.Tool>> toolsChanged = list -> {};
        private Consumer<List<McpSchema.Resource>> resourcesChanged = list -> {};
        private Consumer<List<McpSchema.Prompt>> promptsChanged = list -> {};
        private Function<String, Mono<Void>> resourceUpdated = uri -> Mono.empty();
        private Function<McpSchema.LoggingMessageNotification, Mono<Void>> logging = n -> Mono.empty();
        private Function<McpSchema.ProgressNotification, Mono<Void>> progress = n -> Mono.empty();
        private Supplier<Optional<String>> authorization = Optional::empty;

        private Builder() {}

        public Builder clientInfo(McpSchema.Implementation clientInfo) {
            this.clientInfo = Objects.requireNonNull(clientInfo);
            return this;
        }

        public Builder sampling(Function<McpSchema.CreateMessageRequest, Mono<McpSchema.CreateMessageResult>> f) {
            this.sampling = f;
            return this;
        }

        public Builder formElicitation(Function<McpSchema.ElicitFormRequest, Mono<McpSchema.ElicitResult>> f) {
            this.formElicitation = f;
            return this;
        }

        public Builder urlElicitation(Function<McpSchema.ElicitUrlRequest, Mono<McpSchema.ElicitResult>> f) {
            this.urlElicitation = f;
            return this;
        }

        /** Declares the roots capability with this initial list; update it later through the connection. */
        public Builder roots(List<McpSchema.Root> initialRoots) {
            this.rootsDeclared = true;
            this.roots.clear();
            this.roots.addAll(initialRoots);
            return this;
        }

        /** Called with the upstream's full new list after it announced a change. */
        public Builder onToolsChanged(Consumer<List<McpSchema.Tool>> r) {
            this.toolsChanged = Objects.requireNonNull(r);
            return this;
        }

        /** Called with the upstream's full new list after it announced a change. */
        public Builder onResourcesChanged(Consumer<List<McpSchema.Resource>> r) {
            this.resourcesChanged = Objects.requireNonNull(r);
            return this;
        }

        /** Called with the upstream's full new list after it announced a change. */
        public Builder onPromptsChanged(Consumer<List<McpSchema.Prompt>> r) {
            this.promptsChanged = Objects.requireNonNull(r);
            return this;
        }

        /** Called with the URI of a subscribed resource the upstream reports as updated. */
        public Builder onResourceUpdated(Function<String, Mono<Void>> f) {
            this.resourceUpdated = Objects.requireNonNull(f);
            return this;
        }

        public Builder onLogging(Function<McpSchema.LoggingMessageNotification, Mono<Void>> f) {
            this.logging = Objects.requireNonNull(f);
            return this;
        }

        public Builder onProgress(Function<McpSchema.ProgressNotification, Mono<Void>> f) {
            this.progress = Objects.requireNonNull(f);
            return this;
        }

        /**
         * The value of the {@code Authorization} header for each HTTP request, read anew per request so a refreshed
         * token is used without reconnecting. Ignored for stdio.
         */
        public Builder authorization(Supplier<Optional<String>> authorization) {
            this.authorization = Objects.requireNonNull(authorization);
            return this;
        }

        public UpstreamClientSpec build() {
            return new UpstreamClientSpec(this);
        }
    }
}
