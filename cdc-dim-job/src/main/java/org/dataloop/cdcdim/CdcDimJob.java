package org.dataloop.cdcdim;

import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.dataloop.common.config.JobOptions;
import org.dataloop.common.config.OptionsException;
import org.dataloop.common.parse.Parsed;
import org.dataloop.common.io.TableDef;
import org.dataloop.common.parse.RecordParser;
import org.dataloop.common.runtime.JobDefinition;
import org.dataloop.common.runtime.JobIO;
import org.dataloop.common.runtime.JobRunner;

/**
 * cdc-dim-job: MySQL {@code cars, city_area, routes} and PostgreSQL {@code orders}, snapshot then change
 * stream (Flink CDC), → the lake's primary-key tables {@code dim_car, dim_city_area, dim_route, dim_order}.
 * Inserts and updates upsert, deletes remove the row; exactly once (CDC offsets in state, Paimon commits at
 * checkpoints). Each source is optional: no {@code --mysql.hostname}, no MySQL source.
 */
public final class CdcDimJob implements JobDefinition {
    private static final Logger LOG = LoggerFactory.getLogger(CdcDimJob.class);

    private final Map<String, String> env;

    public CdcDimJob() {
        this(System.getenv());
    }

    /** @param env where passwords come from when no password file is given (tests pass their own) */
    public CdcDimJob(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) throws Exception {
        JobRunner.main(new CdcDimJob(), args);
    }

    @Override
    public String name() {
        return "cdc-dim-job";
    }

    @Override
    public String summary() {
        return "Business tables to the lake's dimension tables by change data capture: MySQL cars, city_area, routes and\n"
                + "PostgreSQL orders → dim_car, dim_city_area, dim_route, dim_order (upserts and deletes, exactly once).\n"
                + "Passwords: --mysql.password-file / " + Passwords.MYSQL_ENV + ", --postgres.password-file / " + Passwords.POSTGRES_ENV + ".";
    }

    @Override
    public List<RecordParser<?>> streams() {
        return List.of();
    }

    @Override
    public List<TableDef<?>> outputs() {
        return List.of(DimTables.DIM_CAR.tableDef(), DimTables.DIM_CITY_AREA.tableDef(), DimTables.DIM_ROUTE.tableDef(),
                DimTables.DIM_ORDER.tableDef());
    }

    @Override
    public List<ConfigOption<?>> options() {
        return CdcOptions.all();
    }

    @Override
    public void defineWorkflow(JobIO io, JobOptions options) {
        boolean mysql = options.getOptional(CdcOptions.MYSQL_HOSTNAME).isPresent();
        boolean postgres = options.getOptional(CdcOptions.POSTGRES_HOSTNAME).isPresent();
        if (!mysql && !postgres) {
            throw new OptionsException("nothing to capture: set --" + CdcOptions.MYSQL_HOSTNAME.key() + " and/or --"
                    + CdcOptions.POSTGRES_HOSTNAME.key());
        }
        if (mysql) {
            CdcSources.Db db = CdcSources.mysql(options, env);
            // an id per reader, and as many readers as the operators behind them: a source with fewer subtasks would be
            // rebalanced round-robin, and two changes of one key could reach the lake in the wrong order
            ServerIdRange ids = ServerIdRange.parse(CdcOptions.MYSQL_SERVER_ID.key(), options.get(CdcOptions.MYSQL_SERVER_ID),
                    io.env().getParallelism());
            CdcSources.checkMysql(db, CdcSources.zone(options, CdcOptions.MYSQL_SERVER_TIME_ZONE));
            DataStreamSource<Parsed<DimRow>> changes = io.env().fromSource(CdcSources.mysqlSource(options, db, ids),
                    WatermarkStrategy.noWatermarks(), "mysql " + db.host() + "/" + db.database());
            changes.uid("source-mysql");
            writeTables(io, io.validated("mysql", changes, DimChangeDeserializer.TYPE), DimTable.Source.MYSQL);
        } else {
            LOG.info("--{} not set: no MySQL source (dim_car, dim_city_area, dim_route not written)", CdcOptions.MYSQL_HOSTNAME.key());
        }
        if (postgres) {
            CdcSources.Db db = CdcSources.postgres(options, env);
            CdcSources.checkPostgres(db, options.get(CdcOptions.POSTGRES_SCHEMA));
            DataStreamSource<Parsed<DimRow>> changes = io.env().fromSource(CdcSources.postgresSource(options, db),
                    WatermarkStrategy.noWatermarks(), "postgres " + db.host() + "/" + db.database());
            changes.uid("source-postgres");
            writeTables(io, io.validated("postgres", changes, DimChangeDeserializer.TYPE), DimTable.Source.POSTGRES);
        } else {
            LOG.info("--{} not set: no PostgreSQL source (dim_order not written)", CdcOptions.POSTGRES_HOSTNAME.key());
        }
    }

    private static void writeTables(JobIO io, DataStream<DimRow> changes, DimTable.Source source) {
        for (DimTable t : DimTables.of(source)) {
            String name = t.name();
            DataStream<DimRow> rows = changes.filter(r -> r.table.equals(name)).uid("select-" + name).name("select " + name);
            io.write(t.tableDef(), rows);
        }
    }
}
