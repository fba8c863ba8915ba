-- The database of the synced tables. Variables: ${database}.
CREATE DATABASE IF NOT EXISTS `${database}`;
