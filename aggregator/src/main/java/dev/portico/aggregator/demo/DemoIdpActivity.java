package dev.portico.aggregator.demo;

import dev.portico.aggregator.demo.DemoIdentityProvider.TokenRequestRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the demo identity provider did, for tests to assert and for the demo's log. Safe for concurrent use. */
final class DemoIdpActivity {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);

    private final List<TokenRequestRecord> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final DemoSecretsSeen secrets = new DemoSecretsSeen();

    void tokenRequest(TokenRequestRecord record) {
        tokenRequests.add(record);
    }

    /** Records and logs why a request was refused. {@code reason} must not contain a secret. */
    void refused(String endpoint, String reason) {
        String line = endpoint + ": " + reason;
        refusals.add(line);
        log.info("Demo identity provider refused a request at {}", line);
    }

    /** Where the endpoints note every secret they issue or are sent. */
    DemoSecretsSeen secrets() {
        return secrets;
    }

    List<TokenRequestRecord> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }
}
