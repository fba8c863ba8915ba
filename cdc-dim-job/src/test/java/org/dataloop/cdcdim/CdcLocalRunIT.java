package org.dataloop.cdcdim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.testing.Await;
import org.dataloop.common.testing.Launcher;

/**
 * The local interface of contract §7, run the way a user runs it: {@code bin/dataloop run cdc-dim-job --local
 * --output.dir DIR} against a real MariaDB, with the password from the environment ({@code MYSQL_PASSWORD}).
 */
class CdcLocalRunIT {

    @TempDir
    Path tmp;

    @Test
    void localRunWritesEveryChangeAsJsonLinesWithItsOp() throws Exception {
        String db = "fleet_local";
        TestDatabases.createMysqlTables(db);
        TestDatabases.mysqlRoot(db, "INSERT INTO cars VALUES ('car-1', 'robotaxi', 'M1', '2026-11-20 08:00:00.000')");
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("dataloop.log");
        Process p = Launcher.start(log, Map.of(Passwords.MYSQL_ENV, TestDatabases.CDC_PASSWORD), "run", "cdc-dim-job", "--local",
                "--mysql.hostname", "localhost", "--mysql.port", String.valueOf(TestDatabases.mariaDb()), "--mysql.database", db,
                "--mysql.server-id", "5460-5461", "--mysql.server-time-zone", "+08:00",
                "--checkpoint.interval", "500 ms", "--state.backend", "hashmap", "--output.dir", out.toString());
        try {
            Path cars = out.resolve("dim_car.jsonl");
            Await.until(Duration.ofSeconds(120), () -> Files.exists(cars) && Files.readString(cars).contains("car-1") ? true : null);
            TestDatabases.mysqlRoot(db, "UPDATE cars SET car_model = 'M2' WHERE car_id = 'car-1'", "DELETE FROM cars WHERE car_id = 'car-1'");
            List<String> lines = Await.until(Duration.ofSeconds(60), () -> {
                List<String> l = Files.readAllLines(cars);
                return l.size() >= 3 ? l : null;
            });
            long ms = java.time.Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
            assertThat(lines).containsExactly(
                    "{\"op\":\"+I\",\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M1\",\"updated_at\":" + ms + "}",
                    "{\"op\":\"+U\",\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M2\",\"updated_at\":" + ms + "}",
                    "{\"op\":\"-D\",\"car_id\":\"car-1\",\"car_type\":\"robotaxi\",\"car_model\":\"M2\",\"updated_at\":" + ms + "}");
            assertThat(Files.readString(log)).as("the password is never printed").doesNotContain(TestDatabases.CDC_PASSWORD);
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }
}
