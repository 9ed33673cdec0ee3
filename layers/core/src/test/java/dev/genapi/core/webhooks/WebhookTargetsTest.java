package dev.genapi.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.ConfigurationException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTargetsTest {

    final WebhookTargets deployed = new WebhookTargets(false, List.of());

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, loopback", "127.8.9.10, loopback", "::1, loopback",
            "10.0.0.1, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.1.1, private",
            "169.254.169.254, link-local (cloud metadata)", "169.254.0.1, link-local (cloud metadata)",
            "fe80::1, link-local (cloud metadata)",
            "fd00:ec2::254, private (unique-local)", "fc00::1, private (unique-local)",
            "100.64.0.1, private (carrier-grade NAT)", "100.127.255.254, private (carrier-grade NAT)",
            "0.0.0.0, unspecified", "0.1.2.3, unspecified", ":: , unspecified",
            "224.0.0.1, multicast", "ff02::1, multicast", "255.255.255.255, reserved", "240.0.0.1, reserved",
            "192.0.0.8, reserved (IETF protocol assignments)", "198.18.0.1, reserved (benchmarking)",
            "2001:db8::1, reserved (documentation)", "64:ff9b::7f00:1, 'loopback, through NAT64'",
            "64:ff9b::a9fe:a9fe, 'link-local (cloud metadata), through NAT64'", "64:ff9b:1::1, reserved (local-use NAT64)",
            "::ffff:127.0.0.1, loopback", "::ffff:169.254.169.254, link-local (cloud metadata)",
            "::ffff:10.0.0.1, private", "::10.0.0.1, private"})
    void nonPublicAddressesAreNamed(String address, String kind) throws Exception {
        assertThat(WebhookTargets.nonPublic(InetAddress.getByName(address))).contains(kind);
        assertThatThrownBy(() -> deployed.checkAddress(InetAddress.getByName(address)))
                .isInstanceOf(WebhookTargets.RefusedTarget.class).hasMessageContaining(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1",
            "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "64:ff9b::808:808"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(WebhookTargets.nonPublic(InetAddress.getByName(address))).isEmpty();
        deployed.checkAddress(InetAddress.getByName(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/genapi", "https://example.com", "https://93.184.215.14:8443/x?y=1",
            "https://[2606:4700:4700::1111]/hook"})
    void publicHttpsUrlsAreTaken(String url) throws Exception {
        assertThat(deployed.checkUrl(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "ftp://example.com/", "file:///etc/passwd", "gopher://example.com/",
            "https://127.0.0.1/", "https://[::1]/", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/",
            "https://[::ffff:7f00:1]/", "https://2130706433/", "https://0x7f.1/", "https://017700000001/",
            "https://localhost/", "https://api.localhost/", "https://user:pass@example.com/", "https://example.com/#frag",
            "/relative", "", "https:///no-host", "not a url"})
    void urlsGenapiWillNotCallAreRefused(String url) {
        assertThatThrownBy(() -> deployed.checkUrl(url)).isInstanceOf(WebhookTargets.RefusedTarget.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x7f.1", "0x7f000001", "127.1", "2130706433", "0X7F.0.0.1", "017700000001"})
    void hostsWrittenAsOddAddressFormsAreTakenForAddressesAndRefused(String host) {
        assertThat(WebhookTargets.literalAddress(host)).isPresent();
        assertThatThrownBy(() -> deployed.checkUrl("https://" + host + "/hook")).isInstanceOf(WebhookTargets.RefusedTarget.class);
    }

    @Test
    void aVeryLongUrlIsRefused() {
        assertThatThrownBy(() -> deployed.checkUrl("https://example.com/" + "a".repeat(WebhookTargets.MAX_URL_LENGTH)))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);
    }

    @Test
    void allowedNetworksAndHttpAreOnlyWhatConfigurationNames() throws Exception {
        WebhookTargets testing = new WebhookTargets(true, List.of("127.0.0.1/32", "10.20.0.0/16"));
        testing.checkUrl("http://127.0.0.1:8080/hook");
        testing.checkAddress(InetAddress.getByName("10.20.3.4"));
        assertThatThrownBy(() -> testing.checkAddress(InetAddress.getByName("127.0.0.2")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);
        assertThatThrownBy(() -> testing.checkAddress(InetAddress.getByName("10.21.0.1")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);
        assertThatThrownBy(() -> testing.checkAddress(InetAddress.getByName("169.254.169.254")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);
        assertThatThrownBy(() -> new WebhookTargets(false, List.of("example.com/8"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new WebhookTargets(false, List.of("10.0.0.0/33"))).isInstanceOf(ConfigurationException.class);
    }
}
