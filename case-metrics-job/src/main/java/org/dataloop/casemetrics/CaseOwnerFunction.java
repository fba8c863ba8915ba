package org.dataloop.casemetrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.dataloop.common.event.CaseChunk;
import org.dataloop.common.event.DeadLetter;
import org.dataloop.common.io.RowJson;
import org.dataloop.common.tables.CaseMetricsTables;

/**
 * Per case_id: the car of its first chunk. A chunk of the same case from another car is a dead letter, reason
 * {@code conflict}: cases are kept per car, so it would otherwise count the case a second time. The owner is kept
 * for the retention after the case's last chunk (processing time: the case stream carries no event time).
 */
public final class CaseOwnerFunction extends KeyedProcessFunction<String, CaseChunk, CaseChunk> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> CONFLICTS = new OutputTag<>("case-conflicts", TypeInformation.of(DeadLetter.class));

    private final String job;
    private final Duration retention;
    private transient ValueState<String> owner;

    public CaseOwnerFunction(String job, Duration retention) {
        this.job = job;
        this.retention = retention;
    }

    @Override
    public void open(Configuration parameters) {
        ValueStateDescriptor<String> descriptor = new ValueStateDescriptor<>("case-owner", Types.STRING);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention).build());
        owner = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(CaseChunk chunk, Context ctx, Collector<CaseChunk> out) throws Exception {
        String car = owner.value();
        if (car == null || car.equals(chunk.carId)) {
            owner.update(chunk.carId);
            out.collect(chunk);
            return;
        }
        ctx.output(CONFLICTS, DeadLetter.of(job, "case_mapping", "conflict",
                "case_id " + chunk.caseId + " belongs to car_id " + car + ", not " + chunk.carId,
                new String(RowJson.toJson(CaseMetricsTables.ODS_CASE_MAPPING, chunk, false), StandardCharsets.UTF_8)));
    }
}
