// Which routes and fields this server offers, read from its OpenAPI document, so the page never calls a
// route that does not exist nor sends a field the server would refuse.

let doc = { paths: {}, components: { schemas: {} } };

export async function loadFeatures() {
  try {
    const response = await fetch("/schema/openapi.json", { headers: { Accept: "application/json" } });
    if (response.ok) doc = await response.json();
  } catch {
    // Offline at start: the core routes are assumed, the optional panels stay hidden.
  }
}

export function offers(path, method = "get") {
  return Boolean(doc.paths && doc.paths[path] && doc.paths[path][method]);
}

function resolve(schema) {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (current.$ref) current = doc.components.schemas[current.$ref.split("/").pop()];
    else if (current.oneOf || current.anyOf) current = (current.oneOf || current.anyOf).find((s) => s.$ref || s.properties);
    else return current;
  }
  return current;
}

export function bodyHas(path, method, field) {
  const operation = doc.paths && doc.paths[path] && doc.paths[path][method];
  const content = operation && operation.requestBody && operation.requestBody.content;
  const schema = resolve(content && content["application/json"] && content["application/json"].schema);
  return Boolean(schema && schema.properties && field in schema.properties);
}

// Whether an external provider is configured on this server (its readiness check is not "disabled").
let readiness = null;

export function providerEnabled(name) {
  if (!readiness) {
    readiness = fetch("/health/ready", { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((body) => body.checks || {})
      .catch(() => {
        readiness = null;
        return {};
      });
  }
  return readiness.then((checks) => Boolean(checks[name] && checks[name].status !== "disabled"));
}
