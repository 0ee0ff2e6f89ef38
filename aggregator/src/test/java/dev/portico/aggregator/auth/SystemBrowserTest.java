package dev.portico.aggregator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SystemBrowserTest {

    private static final URI LINK = URI.create("http://127.0.0.1:5123/oauth/start/abc?x=1&y=2");

    @Test
    void eachPlatformGetsItsOwnOpenerAndTheLinkStaysOneArgument() {
        assertThat(SystemBrowser.command("Mac OS X", LINK)).containsExactly("open", LINK.toString());
        assertThat(SystemBrowser.command("Windows 11", LINK))
                .containsExactly("rundll32", "url.dll,FileProtocolHandler", LINK.toString());
        assertThat(SystemBrowser.command("Linux", LINK)).containsExactly("xdg-open", LINK.toString());
        assertThat(SystemBrowser.command("FreeBSD", LINK)).containsExactly("xdg-open", LINK.toString());
    }
}
