package io.mlgate.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import io.mlgate.iam.admin.IamAdminException;
import io.mlgate.iam.admin.IamAdministration;
import io.mlgate.iam.admin.IamErrorCode;
import io.mlgate.iam.admin.SessionRevocation;
import io.mlgate.iam.config.Account;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlgate iam}: offline IAM administration of the policies/ folder; {@code revoke-sessions} for now. */
@Command(name = "iam", mixinStandardHelpOptions = true, description = "IAM administration of the policies/ folder.",
        subcommands = {IamCommand.RevokeSessions.class})
final class IamCommand implements Runnable {

    /** Exit code when the role or user does not exist. */
    static final int NO_SUCH_ENTITY = 1;
    /** Exit code for bad usage: options, an ambiguous account, an unreadable or invalid folder. */
    static final int USAGE = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * {@code mlgate iam revoke-sessions --role NAME | --user NAME [--account ID] [--policies DIR]}: puts the inline
     * policy AWSRevokeOlderSessions (deny everything to sessions issued before now) on the role or user; a running
     * gateway picks the file change up on its next reload.
     */
    @Command(name = "revoke-sessions", mixinStandardHelpOptions = true,
            description = "Deny all temporary sessions of a role (or a user's GetSessionToken/GetFederationToken "
                    + "sessions) issued before now, as AWS's 'Revoke active sessions'.")
    static final class RevokeSessions implements Callable<Integer> {

        static final class Target {
            @Option(names = "--role", paramLabel = "NAME", required = true, description = "the role whose sessions to revoke")
            String role;

            @Option(names = "--user", paramLabel = "NAME", required = true,
                    description = "the user whose GetSessionToken/GetFederationToken sessions to revoke")
            String user;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--account", paramLabel = "ID",
                description = "the account of the role or user (default: the only account that has it)")
        String account;

        @Option(names = "--policies", paramLabel = "DIR",
                description = "the policies/ folder (default: policies, from the working directory or $MLGATE_HOME)")
        String policies = "policies";

        @Override
        public Integer call() {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Path dir = resolve(policies);
            if (!Files.isDirectory(dir)) {
                err.println("no policies folder at " + dir);
                return USAGE;
            }
            IamConfiguration config;
            try {
                config = IamConfigurationLoader.load(dir);
            } catch (ConfigurationException e) {
                err.println("the policies folder " + dir + " is not valid: " + e.getMessage());
                return USAGE;
            }
            boolean role = target.role != null;
            String name = role ? target.role : target.user;
            String kind = role ? "role" : "user";
            String acct = account;
            if (acct == null) {
                List<String> owners = config.accounts().stream().map(Account::id)
                        .filter(a -> role ? config.roleByName(a, name).isPresent() : config.userByName(a, name).isPresent())
                        .toList();
                if (owners.isEmpty()) {
                    err.println("no " + kind + " named " + name + " in " + dir);
                    return NO_SUCH_ENTITY;
                }
                if (owners.size() > 1) {
                    err.println("the " + kind + " name " + name + " exists in several accounts " + owners
                            + "; choose one with --account");
                    return USAGE;
                }
                acct = owners.get(0);
            }
            AtomicReference<IamConfiguration> current = new AtomicReference<>(config);
            IamAdministration admin = IamAdministration.withoutAccessKeys(dir, Clock.systemUTC(), current::get, current::set);
            SessionRevocation revocation = new SessionRevocation(admin, Clock.systemUTC());
            SessionRevocation.Revoked done;
            try {
                done = role ? revocation.revokeRoleSessions(acct, name) : revocation.revokeUserSessions(acct, name);
            } catch (IamAdminException e) {
                err.println(e.error().wireCode() + ": " + e.getMessage());
                return e.error() == IamErrorCode.NO_SUCH_ENTITY ? NO_SUCH_ENTITY : USAGE;
            }
            out.println("Revoked sessions of " + done.entityArn() + " issued before " + done.issuedBefore()
                    + ": inline policy " + done.policyName() + " written to " + dir + ".");
            out.println("A running gateway applies it on its next policy reload.");
            out.flush();
            return 0;
        }
    }

    /** A relative path as given if it exists from the working directory, else under $MLGATE_HOME. */
    static Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        Path home = Path.of(Main.defaultHome()).resolve(p);
        return Files.exists(home) ? home : p;
    }
}
