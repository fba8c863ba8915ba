package org.dataloop.casemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class CaseMathTest {
    @Test
    void casesPerTenThousandKm() {
        assertThat(CaseMath.perTenThousandKm(3, 2.5)).isEqualTo(12_000.0);
        assertThat(CaseMath.perTenThousandKm(1, 20_000)).isEqualTo(0.5);
        assertThat(CaseMath.perTenThousandKm(0, 100)).isEqualTo(0.0);
    }

    @Test
    void zeroKilometresGiveZeroNotInfinity() {
        assertThat(CaseMath.perTenThousandKm(5, 0)).isEqualTo(0.0);
        assertThat(CaseMath.perTenThousandKm(0, 0)).isEqualTo(0.0);
    }

    @Test
    void dangerousIsMembershipOfTheConfiguredSet() {
        Set<String> dangerous = Set.of("collision", "dangerous");
        assertThat(CaseMath.isDangerous("collision", dangerous)).isTrue();
        assertThat(CaseMath.isDangerous("takeover", dangerous)).isFalse();
        assertThat(CaseMath.isDangerous("Collision", dangerous)).as("trigger types are exact names").isFalse();
    }

    @Test
    void nearestSecondOfARun() {
        assertThat(CaseMath.nearestSecond(10, 20, 5_000)).isEqualTo(10);   // before the run
        assertThat(CaseMath.nearestSecond(10, 20, 25_000)).isEqualTo(20);  // after it
        assertThat(CaseMath.nearestSecond(10, 20, 12_400)).isEqualTo(12);
        assertThat(CaseMath.nearestSecond(10, 20, 12_600)).isEqualTo(13);
        assertThat(CaseMath.nearestSecond(10, 20, 12_500)).as("a tie goes to the earlier second").isEqualTo(12);
        assertThat(CaseMath.nearestSecond(10, 20, 12_000)).isEqualTo(12);
    }
}
