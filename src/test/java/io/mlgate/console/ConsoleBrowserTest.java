package io.mlgate.console;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.gateway.DemoCredentialsFile;
import io.mlgate.gateway.GatewayApplication;
import io.mlgate.gateway.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the web console's browser tests ({@code console/e2e/}, Node's test runner driving the system Chromium with
 * playwright-core) against a gateway started here on a random port with a fresh home, after a few invocations of the
 * iris endpoint. The gateway offers OIDC sign-in through {@link TestOidcProvider}, a provider on 127.0.0.1 started
 * here, whose users may assume a role that reads the trail ({@code console/e2e/oidc.test.mjs}). Fails, never skips,
 * when Chromium or Node 20+ is missing. Screenshots go to {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {

    /** A policy test suite with one passing and one failing case, so the console's display of a failure is tested. */
    static final String FAILING_SUITE = "e2e-expected-failure.yaml";

    private static final Path E2E = Path.of("console", "e2e");
    private static final Path BUILT_CONSOLE = Path.of("target", "classes", "static", "console");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final long SUITE_TIMEOUT_MINUTES = 5;
    private static final String ACCOUNT = "123456789012";
    private static final String OIDC_CLIENT_ID = "mlgate-console-e2e";
    private static final String OIDC_ROLE = "console-oidc-e2e";

    @TempDir
    Path home;

    @Test
    void theConsolePassesItsBrowserTests() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("MLGATE_CHROMIUM", "/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium))
                .as("Chromium is needed at %s for the console's browser tests (apt-get install chromium)", chromium)
                .isTrue();
        requireNode20();
        installE2eDependencies();

        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        Files.writeString(policies.resolve("tests").resolve(FAILING_SUITE), """
                # written by ConsoleBrowserTest: the second case fails on purpose (the console must show it failed)
                cases:
                  - name: guest may not invoke iris
                    principal: demo-guest
                    action: sagemaker:InvokeEndpoint
                    resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                    context:
                      aws:SecureTransport: true
                    expect: ImplicitDeny

                  - name: guest may invoke iris (expected to fail)
                    principal: demo-guest
                    action: sagemaker:InvokeEndpoint
                    resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                    context:
                      aws:SecureTransport: true
                    expect: Allow
                """);
        Path screenshots = SCREENSHOTS.toAbsolutePath();
        Files.createDirectories(screenshots);
        try (var old = Files.newDirectoryStream(screenshots, "*.png")) {
            for (Path png : old) {
                Files.delete(png); // only this run's screenshots: none left over from a test renamed or removed
            }
        }

        try (TestOidcProvider idp = new TestOidcProvider(OIDC_CLIENT_ID)) {
            configureOidc(policies, idp);
            runTheBrowserTests(policies, screenshots, chromium, idp);
        }
    }

    /**
     * The gateway's side of the OIDC sign-in: the test provider (its public key as a JWKS file) and a role its users
     * may assume with their ID token (audience = the console's client id) that may read the trail.
     */
    private static void configureOidc(Path policies, TestOidcProvider idp) throws Exception {
        Path providers = Files.createDirectories(policies.resolve("oidc-providers"));
        Files.writeString(providers.resolve("console-e2e.jwks.json"), idp.publicJwks());
        Files.writeString(providers.resolve("console-e2e.json"), """
                {"Url": "%s", "Accounts": ["%s"], "ClientIDList": ["%s"], "JwksFile": "console-e2e.jwks.json"}
                """.formatted(TestOidcProvider.ISSUER, ACCOUNT, idp.clientId()));
        Files.writeString(policies.resolve("roles").resolve(OIDC_ROLE + ".json"), """
                {"Account": "%1$s", "RoleName": "%2$s",
                 "Description": "written by ConsoleBrowserTest: the role the console's OIDC sign-in assumes",
                 "MaxSessionDuration": 3600,
                 "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                   "Principal": {"Federated": "arn:aws:iam::%1$s:oidc-provider/%3$s"},
                   "Action": "sts:AssumeRoleWithWebIdentity",
                   "Condition": {"StringEquals": {"%3$s:aud": "%4$s"}}}]},
                 "InlinePolicies": {"ReadTheTrail": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                   "Action": "cloudtrail:LookupEvents", "Resource": "*"}]}}}
                """.formatted(ACCOUNT, OIDC_ROLE, TestOidcProvider.PROVIDER, idp.clientId()));
    }

    private void runTheBrowserTests(Path policies, Path screenshots, Path chromium, TestOidcProvider idp)
            throws Exception {
        String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + OIDC_ROLE;
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.console.oidc.issuer=" + TestOidcProvider.ISSUER,
                        "--mlgate.console.oidc.client-id=" + idp.clientId(),
                        "--mlgate.console.oidc.authorization-endpoint=" + idp.baseUrl() + "/authorize",
                        "--mlgate.console.oidc.token-endpoint=" + idp.baseUrl() + "/token",
                        "--mlgate.console.oidc.role-arn=" + roleArn)) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            idp.register("https://localhost:" + port + "/console/");
            Path credentials = home.resolve("keys").resolve(DemoCredentialsFile.FILE_NAME);
            HttpClient http = httpClient();
            requireTheBuiltConsole(http, port);
            invokeIris(http, port, DemoCredentialsFile.read(credentials).get("demo-analyst"), 3);

            ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-concurrency=1", E2E + "/")
                    .directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = node.environment();
            env.put("MLGATE_CONSOLE_URL", "https://localhost:" + port + "/console/");
            env.put("MLGATE_DEMO_CREDENTIALS", credentials.toString());
            env.put("MLGATE_SCREENSHOTS", screenshots.toString());
            env.put("MLGATE_CHROMIUM", chromium.toString());
            env.put("MLGATE_E2E_FAILING_SUITE", FAILING_SUITE);
            env.put("MLGATE_E2E_OIDC_ISSUER", TestOidcProvider.ISSUER);
            env.put("MLGATE_E2E_OIDC_CLIENT_ID", idp.clientId());
            env.put("MLGATE_E2E_OIDC_AUTHORIZATION_ENDPOINT", idp.baseUrl() + "/authorize");
            env.put("MLGATE_E2E_OIDC_TOKEN_ENDPOINT", idp.baseUrl() + "/token");
            env.put("MLGATE_E2E_OIDC_ROLE_ARN", roleArn);
            Run run = run(node, SUITE_TIMEOUT_MINUTES);
            if (run.timedOut) {
                fail("the browser tests did not finish within " + SUITE_TIMEOUT_MINUTES + " minutes:\n" + run.tail);
            }
            assertThat(run.exitCode).as("node --test console/e2e/ exit code; the end of its output:\n%s", run.tail)
                    .isZero();
            assertThat(run.tail).as("the runner ran the browser tests").containsPattern("# pass [1-9]")
                    .containsPattern("# skipped 0");
            assertThat(idp.tokensIssued()).as("ID tokens the test provider issued (console/e2e/oidc.test.mjs)")
                    .isPositive();
            // one replay from the browser (oidc.test.mjs), one in that file's node-side control of the provider
            assertThat(idp.replaysRefused()).as("authorization codes the test provider refused as replayed")
                    .isGreaterThanOrEqualTo(2);
        }
    }

    private static void requireNode20() throws Exception {
        String version;
        try {
            Run run = run(new ProcessBuilder("node", "--version").redirectErrorStream(true), 1);
            version = run.tail.strip();
        } catch (IOException e) {
            throw new AssertionError("Node.js 20 or later is needed for the console's browser tests, and `node` is not "
                    + "on the PATH (apt-get install nodejs npm): " + e.getMessage(), e);
        }
        Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
        assertThat(major.find() && Integer.parseInt(major.group(1)) >= 20)
                .as("Node.js 20 or later is needed for the console's browser tests; `node --version` says %s", version)
                .isTrue();
    }

    /** {@code npm ci} in console/e2e/ when playwright-core is not installed there, preferring npm's cache. */
    private static void installE2eDependencies() throws Exception {
        Path installed = E2E.resolve("node_modules/.package-lock.json");
        if (Files.isRegularFile(E2E.resolve("node_modules/playwright-core/package.json")) && Files.isRegularFile(installed)
                && Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(E2E.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Run run = run(new ProcessBuilder("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund")
                .directory(E2E.toAbsolutePath().toFile()).redirectErrorStream(true), 3);
        assertThat(run.exitCode).as("npm ci in console/e2e: %s", run.tail).isZero();
    }

    private HttpClient httpClient() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, TestFiles.trusting(home.resolve("keys/dev-ca.pem")).getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    /**
     * The gateway must serve the console Vite built into target/classes/static/console/, not something else of the
     * same name on the test classpath (a test's fixture under src/test/resources/static/console/ comes first there).
     */
    private static void requireTheBuiltConsole(HttpClient http, int port) throws Exception {
        Path built = BUILT_CONSOLE.resolve("index.html");
        assertThat(Files.isRegularFile(built))
                .as("the console is not built (%s is missing): build with Maven, without -Dconsole.skip", built)
                .isTrue();
        HttpResponse<String> served = http.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as("GET /console/").isEqualTo(200);
        assertThat(served.body())
                .as("GET /console/ must serve the Vite build %s; another static/console/index.html earlier on the "
                        + "classpath shadows it: %s", built, ConsoleBrowserTest.class.getClassLoader()
                        .getResource("static/console/index.html"))
                .isEqualTo(Files.readString(built));
    }

    /** Invokes the demo's iris endpoint so the endpoints view has metrics to show. */
    private static void invokeIris(HttpClient http, int port, String[] keys, int times) throws Exception {
        byte[] body = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        SigV4Signer signer = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service("sagemaker").build();
        for (int i = 0; i < times; i++) {
            Map<String, String> signed = signer.sign("POST", target,
                    Map.of("host", List.of("localhost:" + port), "content-type", List.of("text/csv")), body);
            HttpRequest.Builder request = HttpRequest.newBuilder(target).header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            signed.forEach(request::header);
            assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("InvokeEndpoint iris as demo-analyst").isEqualTo(200);
        }
    }

    /** The end of a process's output and how it ended. */
    private record Run(int exitCode, boolean timedOut, String tail) {
    }

    /** Runs a process, copying its output line by line into the test log, keeping the last 200 lines. */
    private static Run run(ProcessBuilder builder, long timeoutMinutes) throws Exception {
        Process process = builder.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                System.out.println("(output of " + builder.command().get(0) + " ended: " + e.getMessage() + ")");
            }
        }, "console-e2e-output");
        pump.setDaemon(true);
        pump.start();
        boolean finished = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!finished) {
            List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (tail) {
            return new Run(finished ? process.exitValue() : -1, !finished, String.join("\n", tail));
        }
    }
}
