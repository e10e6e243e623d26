// NGO staff's job through a client generated from the tracker's OpenAPI schema
// (openapi-typescript writes schema.d.ts; openapi-fetch calls the API with those types): a
// token, a filtered list, a detail with its ETag, progress with If-Match and Idempotency-Key
// (sent twice: recorded once), evidence as a link and as a file, the file back, the history,
// the user's tokens, and the token revoked. Any answer the schema does not describe, or a type
// the server does not keep to, fails here. Run by scripts/ts_client_job.py against a live server.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.js";

// Node's environment, without a dependency on @types/node for one object.
declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.TRACKER_URL ?? "http://127.0.0.1:8000";
const username = process.env.TRACKER_USERNAME ?? "";
const password = process.env.TRACKER_PASSWORD ?? "";

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

// A JSON client: the answers' other media types (the browsable API's HTML, the spreadsheets)
// are for people and are left out of the response types.
const api = createClient<paths, "application/json">({ baseUrl, headers: { "Accept-Language": "en" } });

const signedIn = await api.POST("/api/v1/auth/token/", {
  body: { username, password, name: "TypeScript client (CI)", days: 1 },
});
check(signedIn.response.status === 200 && signedIn.data, "a token for a username and password");
const token = signedIn.data.token;
const auth: Middleware = {
  onRequest({ request }) {
    request.headers.set("Authorization", `Token ${token}`);
    return request;
  },
};
api.use(auth);

const listed = await api.GET("/api/v1/recommendations/", {
  params: { query: { country: ["AZ"], area: ["enforcement"], ordering: "-year_end" } },
});
check(listed.data && listed.data.results.length > 0, "a filtered list");
const first = listed.data.results[0];
check(first !== undefined && first.country === "AZ", "rows of the filter asked for");

const detail = await api.GET("/api/v1/recommendations/{id}/", { params: { path: { id: first.id } } });
const etag = detail.response.headers.get("ETag");
check(detail.data && etag, "a detail with its ETag");
const rateLimit = detail.response.headers.get("RateLimit");
check(rateLimit && /"user";r=\d+;t=\d+/.test(rateLimit), "RateLimit headers to pace by");

const idempotencyKey = crypto.randomUUID();
const progress = () =>
  api.POST("/api/v1/recommendations/{recommendation_pk}/progress/", {
    params: {
      path: { recommendation_pk: first.id },
      header: { "If-Match": etag, "Idempotency-Key": idempotencyKey },
    },
    body: { status: "in_progress", note: "Yoxlama səfərləri başladı (TypeScript)." },
  });
const recorded = await progress();
check(recorded.response.status === 201 && recorded.data, "progress recorded with If-Match and Idempotency-Key");
const retried = await progress();
check(
  retried.response.status === 201 && retried.data?.id === recorded.data.id,
  "the same Idempotency-Key answers the first answer again",
);
const stale = await api.POST("/api/v1/recommendations/{recommendation_pk}/progress/", {
  params: { path: { recommendation_pk: first.id }, header: { "If-Match": etag } },
  body: { status: "implemented", note: "köhnə ETag" },
});
check(stale.response.status === 412, "a stale ETag is refused with 412");

const link = await api.POST("/api/v1/recommendations/{recommendation_pk}/evidence/", {
  params: { path: { recommendation_pk: first.id } },
  body: { kind: "link", title: "Nazirliyin hesabatı", url: "https://example.org/hesabat" },
});
check(link.response.status === 201, "evidence as a link");

const fileBytes = new TextEncoder().encode("Müfəttişlərin siyahısı, 2025\n");
const upload = await api.POST("/api/v1/recommendations/{recommendation_pk}/evidence/", {
  params: { path: { recommendation_pk: first.id } },
  body: { kind: "file", title: "Siyahı", file: "siyahı.txt" },
  bodySerializer() {
    const form = new FormData();
    form.append("kind", "file");
    form.append("title", "Siyahı");
    form.append("file", new Blob([fileBytes], { type: "text/plain" }), "siyahı.txt");
    return form;
  },
});
check(upload.response.status === 201 && upload.data, "evidence as a file (multipart)");
const download = await api.GET("/api/v1/evidence/{id}/file/", {
  params: { path: { id: upload.data.id } },
  parseAs: "arrayBuffer",
});
check(
  download.data instanceof ArrayBuffer &&
    new Uint8Array(download.data).join(",") === fileBytes.join(","),
  "the file comes back byte for byte",
);

const history = await api.GET("/api/v1/recommendations/{recommendation_pk}/history/", {
  params: { path: { recommendation_pk: first.id } },
});
check(history.data && history.data.results.length > 0, "the history");

const tokens = await api.GET("/api/v1/auth/tokens/");
check(tokens.data?.some((row) => row.current && row.name === "TypeScript client (CI)"), "the user's tokens, this one named");

const revoked = await api.DELETE("/api/v1/auth/token/");
check(revoked.response.status === 204, "the token revoked");
const after = await api.GET("/api/v1/recommendations/{id}/", { params: { path: { id: first.id } } });
check(after.response.status === 401, "a revoked token is refused");
console.log("TypeScript client job: OK");
