package org.dataloop.posetrigger;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dataloop.common.testing.SavepointFixtures;

/** Savepoints taken by earlier releases restore into the current code and continue to that release's rows. */
class SavepointCompatibilityIT {
    @TempDir
    Path tmp;

    @Test
    void everySavepointFixtureRestoresAndContinuesToItsReleasesRows() throws Exception {
        SavepointFixtures.assertEveryFixtureRestores(tmp, new PoseTriggerJob());
    }
}
