package org.dataloop.cdcdim;

import java.io.Serializable;
import java.lang.reflect.Constructor;

import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfigFactory;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfigFactory;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;

import org.dataloop.common.config.Secrets;

/**
 * Flink CDC's sources keep the database password in their config factory, and so in the serialized job graph the
 * JobManager stores in HA storage. These factories carry where the password is instead and read it each time they
 * make a connection config — on the JobManager (split enumerator) and the task managers (readers), where the
 * Secret is mounted too — and drop it again at once.
 */
final class PasswordOnTaskManagers {
    private PasswordOnTaskManagers() {}

    static final class MySqlConfigs extends MySqlSourceConfigFactory {
        private static final long serialVersionUID = 1L;
        private final Secrets.Source password;

        MySqlConfigs(Secrets.Source password) {
            this.password = password;
        }

        @Override
        public MySqlSourceConfig createConfig(int subtaskId, String serverName) {
            password(password.read());
            try {
                return super.createConfig(subtaskId, serverName);
            } finally {
                password(null);
            }
        }
    }

    /** MySqlSourceBuilder makes its own factory; the source's constructor taking ours is package-private. */
    @SuppressWarnings("unchecked")
    static <T> MySqlSource<T> mysqlSource(MySqlConfigs configs, DebeziumDeserializationSchema<T> deserializer) {
        try {
            Constructor<?> c = MySqlSource.class.getDeclaredConstructor(MySqlSourceConfigFactory.class, DebeziumDeserializationSchema.class);
            c.setAccessible(true);
            return (MySqlSource<T>) c.newInstance(configs, deserializer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink CDC has no MySqlSource(MySqlSourceConfigFactory, DebeziumDeserializationSchema)", e);
        }
    }

    static final class PostgresConfigs extends PostgresSourceConfigFactory {
        private static final long serialVersionUID = 1L;
        private final Secrets.Source secret;

        PostgresConfigs(Secrets.Source secret) {
            this.secret = secret;
        }

        @Override
        public PostgresSourceConfig create(int subtaskId) {
            password = secret.read();
            try {
                return super.create(subtaskId);
            } finally {
                password = null;
            }
        }
    }

    static <T> PostgresIncrementalSource<T> postgresSource(PostgresConfigs configs, DebeziumDeserializationSchema<T> deserializer) {
        return new PostgresIncrementalSource<>(configs, deserializer, new PostgresOffsetFactory(), new Dialect(configs));
    }

    /** PostgresDialect holds a config with the password: it is shipped as its factory and made again where it arrives. */
    private static final class Dialect extends PostgresDialect {
        private static final long serialVersionUID = 1L;
        private final PostgresConfigs configs;

        Dialect(PostgresConfigs configs) {
            super(configs.create(0));
            this.configs = configs;
        }

        private Object writeReplace() {
            return new Shipped(configs);
        }
    }

    private static final class Shipped implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PostgresConfigs configs;

        Shipped(PostgresConfigs configs) {
            this.configs = configs;
        }

        private Object readResolve() {
            return new Dialect(configs);
        }
    }
}
