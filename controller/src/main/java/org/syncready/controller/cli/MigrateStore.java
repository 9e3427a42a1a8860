package org.syncready.controller.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.PostgresqlLocation;
import org.syncready.controller.store.StoreCopy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncready migrate-store --data DIR --to postgresql://...}: copies a controller's SQLite database
 * into an empty PostgreSQL database ({@link StoreCopy}). Works on the files, not over the API: run it
 * with the controller stopped. Exit codes as the tool's: 0 copied and every table's count equal, 1
 * refused (no SQLite database there, target not empty, different schemas), 2 bad command line (a bad
 * URL), 4 PostgreSQL could not be reached or refused the login, or the copy failed (nothing written).
 */
@Command(name = "migrate-store", description = {
        "Copy a controller's SQLite database (the data folder's syncready.db) into an empty PostgreSQL database; "
                + "all or nothing, counts checked per table. Stop the controller first.",
        "将控制器的 SQLite 数据库复制到空的 PostgreSQL 数据库（全部成功或全部不写入，逐表核对行数）。请先停止控制器。"})
final class MigrateStore implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The controller's data folder (holds syncready.db).")
    Path data;

    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "postgresql://HOST[:PORT]/DATABASE?user=NAME; the password from SYNCREADY_STORE_PASSWORD or --store-password-file.")
    String to;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File whose first line is the PostgreSQL password (readable by its owner only).")
    Path passwordFile;

    @Option(names = "--batch", defaultValue = "1000", description = "Rows per batch of inserts (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        SyncReadyCli cli = SyncReadyCli.root(spec);
        if (batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be >= 1");
        }
        PostgresqlLocation target;
        try {
            target = PostgresqlLocation.parse(to.strip());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to: " + e.getMessage());
        }
        try {
            target = target.withPassword(PostgresqlLocation.password(passwordFile, System::getenv));
        } catch (IOException e) {
            cli.err.println(e.getMessage());
            return SyncReadyCli.REFUSED;
        }
        Path file = data.resolve("syncready.db");
        if (!Files.isRegularFile(file)) {
            cli.err.println("no SQLite database at " + file + " (is --data the controller's data folder?)");
            return SyncReadyCli.REFUSED;
        }
        try (Database source = Database.open(file)) {
            Database pg;
            try {
                pg = Database.open(target);
            } catch (IOException e) {
                cli.err.println(e.getMessage());
                return SyncReadyCli.UNREACHABLE;
            }
            try (Database destination = pg) {
                cli.out.println("copying " + file + " into " + target);
                List<StoreCopy.TableCount> counts = StoreCopy.copy(source, destination, batch, cli.out::println);
                Table t = new Table("TABLE", "SQLITE", "POSTGRESQL", "");
                long unequal = 0;
                for (StoreCopy.TableCount c : counts) {
                    unequal += c.equal() ? 0 : 1;
                    t.row(c.table(), Long.toString(c.source()), Long.toString(c.target()), c.equal() ? "ok" : "DIFFERENT");
                }
                t.print(cli.out);
                if (unequal > 0) {
                    cli.err.println(unequal + " tables have different counts: check the target before using it");
                    return SyncReadyCli.FAILED;
                }
                cli.out.println("verified: " + counts.size() + " tables, every count equal. Start the controller with --store " + target);
                return SyncReadyCli.OK;
            }
        } catch (StoreCopy.Refused e) {
            cli.err.println("refused: " + e.getMessage());
            return SyncReadyCli.REFUSED;
        } catch (SQLException e) {
            cli.err.println("the copy failed and was rolled back (the target is still empty): " + e.getMessage());
            return SyncReadyCli.UNREACHABLE;
        } catch (IOException e) {
            cli.err.println("cannot open " + file + ": " + e.getMessage());
            return SyncReadyCli.REFUSED;
        }
    }
}
