package org.syncready.controller;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.PostgresqlLocation;
import org.syncready.controller.store.StoreCopy;
import org.syncready.controller.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncready migrate-store --data DIR --to postgresql://...}: copies a controller's SQLite database
 * into an empty PostgreSQL database ({@link StoreCopy}). Works on the files, not over the API: run it
 * with the controller stopped. A subcommand of {@code syncready} (cli.SyncReadyCli) that lives here, in
 * the wiring, because only the wiring may know the store (ArchitectureTest). Exit codes as the tool's: 0 copied and every table's count equal, 1
 * refused (no SQLite database there, target not empty, different schemas), 2 bad command line (a bad
 * URL), 4 PostgreSQL could not be reached or refused the login, or the copy failed (nothing written).
 */
@Command(name = "migrate-store", description = {
        "Copy a controller's SQLite database (the data folder's syncready.db) into an empty PostgreSQL database; "
                + "all or nothing, counts checked per table. Stop the controller first.",
        "将控制器的 SQLite 数据库复制到空的 PostgreSQL 数据库（全部成功或全部不写入，逐表核对行数）。请先停止控制器。"})
public final class MigrateStoreCommand implements Callable<Integer> {
    private static final int OK = 0;
    private static final int REFUSED = 1;
    private static final int UNREACHABLE = 4;
    private static final int FAILED = 5;

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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
            err.println(e.getMessage());
            return REFUSED;
        }
        Path file = data.resolve("syncready.db");
        if (!Files.isRegularFile(file)) {
            err.println("no SQLite database at " + file + " (is --data the controller's data folder?)");
            return REFUSED;
        }
        try (Database source = Database.open(file)) {
            Database pg;
            try {
                pg = Database.open(target);
            } catch (IOException e) {
                err.println(e.getMessage());
                return UNREACHABLE;
            }
            try (Database destination = pg) {
                out.println("copying " + file + " into " + target);
                List<StoreCopy.TableCount> counts = StoreCopy.copy(source, destination, batch, out::println);
                String row = "%-20s %12s %12s  %s";
                out.println(String.format(row, "TABLE", "SQLITE", "POSTGRESQL", ""));
                long unequal = 0;
                for (StoreCopy.TableCount c : counts) {
                    unequal += c.equal() ? 0 : 1;
                    out.println(String.format(row, c.table(), c.source(), c.target(), c.equal() ? "ok" : "DIFFERENT"));
                }
                if (unequal > 0) {
                    err.println(unequal + " tables have different counts: check the target before using it");
                    return FAILED;
                }
                out.println("verified: " + counts.size() + " tables, every count equal. Start the controller with --store " + target);
                return OK;
            }
        } catch (StoreCopy.Refused e) {
            err.println("refused: " + e.getMessage());
            return REFUSED;
        } catch (StoreException e) {
            err.println("the copy failed and was rolled back (the target is still empty): " + e.getMessage());
            return UNREACHABLE;
        } catch (IOException e) {
            err.println("cannot open " + file + ": " + e.getMessage());
            return REFUSED;
        }
    }
}
