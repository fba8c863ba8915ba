package org.dataloop.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The FlinkDeployment CRD's openAPIV3Schema, as the operator ships it in flink-kubernetes-operator-api,
 * made strict: every object that declares properties and does not preserve unknown fields gets
 * {@code additionalProperties: false}, so a misspelt field fails (the API server would prune it silently).
 */
final class CrdSchema {
    static final String RESOURCE = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    static final String VERSION = "v1beta1";

    private static JsonSchema schema;

    private CrdSchema() {}

    static synchronized JsonSchema flinkDeployment() {
        if (schema == null) schema = load();
        return schema;
    }

    static Set<ValidationMessage> validate(JsonNode flinkDeployment) {
        return flinkDeployment().validate(flinkDeployment);
    }

    private static JsonSchema load() {
        JsonNode crd;
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the test classpath (flink-kubernetes-operator-api)");
            crd = Chart.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode openApi = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (VERSION.equals(v.path("name").asText())) openApi = v.path("schema").path("openAPIV3Schema");
        }
        if (openApi == null || openApi.isMissingNode()) throw new IllegalStateException("no " + VERSION + " schema in " + RESOURCE);
        ObjectNode strict = openApi.deepCopy();
        tighten(strict);
        // the CRD schema leaves the object's header to the API server: pin it here
        ObjectNode props = (ObjectNode) strict.get("properties");
        props.putObject("apiVersion").put("type", "string").putArray("enum").add("flink.apache.org/" + VERSION);
        props.putObject("kind").put("type", "string").putArray("enum").add("FlinkDeployment");
        ObjectNode metadata = props.putObject("metadata");
        metadata.put("type", "object").putArray("required").add("name");
        metadata.putObject("properties").putObject("name").put("type", "string").put("pattern", "^[a-z]([-a-z0-9]*[a-z0-9])?$").put("maxLength", 45);
        strict.putArray("required").add("apiVersion").add("kind").add("metadata").add("spec");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
    }

    /** Adds additionalProperties: false where the CRD lists properties, and drops the x-kubernetes/OpenAPI-only keywords. */
    static void tighten(ObjectNode node) {
        boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (node.has("properties") && !preserve && !node.has("additionalProperties")) node.put("additionalProperties", false);
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("x-kubernetes-") || e.getKey().equals("nullable")) {
                it.remove();
                continue;
            }
            if (e.getKey().equals("properties") && e.getValue() instanceof ObjectNode props) {
                // property names are not schema keywords: descend into each property's schema
                props.fields().forEachRemaining(p -> {
                    if (p.getValue() instanceof ObjectNode o) tighten(o);
                });
            } else if (e.getValue() instanceof ObjectNode o) {
                tighten(o);
            } else if (e.getValue() instanceof ArrayNode a) {
                for (JsonNode x : a) if (x instanceof ObjectNode o) tighten(o);
            }
        }
    }
}
