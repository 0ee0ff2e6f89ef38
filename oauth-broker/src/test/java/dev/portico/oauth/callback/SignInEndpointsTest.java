package dev.portico.oauth.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignInEndpointsTest {

    @Test
    void whenBaseHasTrailingSlashThenUrlsJoinedOnce() {
        SignInEndpoints endpoints =
                new SignInEndpoints(() -> URI.create("https://portico.example.com/"), "/oauth/callback");

        assertThat(endpoints.startUrl("abc")).isEqualTo(URI.create("https://portico.example.com/oauth/start/abc"));
        assertThat(endpoints.redirectUri()).isEqualTo(URI.create("https://portico.example.com/oauth/callback"));
    }

    @Test
    void whenDefaultPathsThenCookieCoversStartAndCallback() {
        SignInEndpoints endpoints =
                new SignInEndpoints(() -> URI.create("https://portico.example.com"), "/oauth/callback");

        assertThat(endpoints.cookiePath()).isEqualTo("/oauth/");
        assertThat(endpoints.setCookieHeader("v", Duration.ofMinutes(10)))
                .isEqualTo("portico_signin=v; Path=/oauth/; Max-Age=600; HttpOnly; SameSite=Lax; Secure");
    }

    @Test
    void whenPublicUrlHasPathAndIsHttpThenCookiePathPrefixedAndNotSecure() {
        SignInEndpoints endpoints = new SignInEndpoints(() -> URI.create("http://127.0.0.1:8080/gw/"), "/cb");

        assertThat(endpoints.cookiePath()).isEqualTo("/gw/");
        assertThat(endpoints.secure()).isFalse();
        assertThat(endpoints.setCookieHeader("v", Duration.ofSeconds(5))).doesNotContain("Secure");
        assertThat(endpoints.redirectUri()).isEqualTo(URI.create("http://127.0.0.1:8080/gw/cb"));
    }
}
