# Writes crates/server/src/openapi.json, the OpenAPI 3.1 document of the API:
#   python3 crates/server/scripts/openapi.py > crates/server/src/openapi.json
# Keep it in step with ROUTES in crates/server/src/lib.rs (a test checks every route is here).
import json
P = lambda name, desc, schema, where="query", required=False: {"name": name, "in": where, "required": required, "description": desc, "schema": schema}
params = {
 "disease": P("disease", "Disease id (DOID:0080600) or name (COVID-19), case-insensitive.", {"type": "string", "maxLength": 200}),
 "country": P("country", "ISO 3166-1 alpha-2 country code (KP); lower case is accepted.", {"type": "string", "pattern": "^[A-Za-z]{2}$"}),
 "from": P("from", "First day, inclusive (YYYY-MM-DD).", {"type": "string", "format": "date"}),
 "to": P("to", "Last day, inclusive (YYYY-MM-DD); not before `from`.", {"type": "string", "format": "date"}),
 "signal": P("signal", "Only items with a signal of this kind.", {"type": "string", "enum": ["new_event","jump","ears_c1","ears_c2","ears_c3","farrington"]}),
 "offset": P("offset", "Items to skip (paging).", {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0}),
 "eventId": P("id", "Event id (E…).", {"type": "string"}, "path", True),
}
def limit(default, mx):
    return P("limit", f"Items to return (1 to {mx}).", {"type": "integer", "minimum": 1, "maximum": mx, "default": default})
ref = lambda n: {"$ref": f"#/components/parameters/{n}"}
sref = lambda n: {"$ref": f"#/components/schemas/{n}"}
def err(desc): return {"description": desc, "content": {"application/json": {"schema": sref("Error")}}}
def ok(desc, schema, ctype="application/json"): return {"description": desc, "content": {ctype: {"schema": schema}}}
E400 = {"$ref": "#/components/responses/BadRequest"}
E404 = {"$ref": "#/components/responses/NotFound"}
E401 = {"$ref": "#/components/responses/Unauthorized"}
filters = [ref("disease"), ref("country"), ref("from"), ref("to")]
def export(what, fmt, ctype, desc):
    return {"get": {"operationId": f"export_{what}_{fmt}", "tags": ["exports"],
        "summary": f"All {what} as {desc}, streamed.",
        "description": (
          "Streamed page by page from the store; nothing is built in memory. "
          + ("Facts are the documents' headline figures (one per disease × place × metric), with the document's id, URL, outlet, title, publication date, the place's coordinates and the evidence sentence; `from`/`to` filter on the figure's as-of day, else the publication day. " if what=="facts" else "Events are listed most relevant first, with their current triage. ")
          + ("GeoJSON holds only items with coordinates, as Point features whose properties are the JSONL object." if fmt=="geojson" else "")),
        "parameters": filters + ([ref("signal")] if what=="events" else []),
        "responses": {"200": ok(desc, {"type": "string"} if fmt != "geojson" else sref("FeatureCollection"), ctype), "400": E400}}}
paths = {
 "/api/health": {"get": {"operationId": "health", "tags": ["meta"], "summary": "Liveness and the number of stored and indexed documents.",
    "responses": {"200": ok("Up.", {"type": "object", "properties": {"status": {"const": "ok"}, "documents": {"type": "integer"}, "search_documents": {"type": ["integer", "null"]}}})}}},
 "/api/openapi.json": {"get": {"operationId": "openapi", "tags": ["meta"], "summary": "This document.", "responses": {"200": ok("OpenAPI 3.1 document.", {"type": "object"})}}},
 "/api/events": {"get": {"operationId": "list_events", "tags": ["events"], "summary": "Events, most relevant first.",
    "description": "An event is one real-world outbreak told by one or more documents. `from`/`to` keep events seen in the range (last seen on or after `from`, first seen on or before `to`).",
    "parameters": filters + [ref("signal"), limit(50, 500), ref("offset")],
    "responses": {"200": ok("A page of events.", {"type": "object", "required": ["events", "limit", "offset"], "properties": {"events": {"type": "array", "items": sref("EventSummary")}, "limit": {"type": "integer"}, "offset": {"type": "integer"}, "next_offset": {"type": ["integer", "null"], "description": "Offset of the next page; null on the last page."}}}), "400": E400}}},
 "/api/events/{id}": {"get": {"operationId": "get_event", "tags": ["events"], "summary": "One event with its sources, figures, reconciled series and conflicts.",
    "parameters": [ref("eventId")], "responses": {"200": ok("The event.", sref("EventDetail")), "404": E404}}},
 "/api/events/{id}/triage": {
    "get": {"operationId": "get_triage", "tags": ["triage"], "summary": "Triage history of an event, oldest first.",
      "parameters": [ref("eventId")],
      "responses": {"200": ok("History.", {"type": "object", "required": ["event", "current", "history"], "properties": {"event": {"type": "string"}, "current": {"oneOf": [sref("Triage"), {"type": "null"}]}, "history": {"type": "array", "items": sref("Triage")}}}), "404": E404}},
    "post": {"operationId": "set_triage", "tags": ["triage"], "summary": "Record a triage decision on an event (needs a token).",
      "description": "`user` is the name of the token used and `at` the server's time. Checks, in order: token (401), event (404), body (400).",
      "security": [{"bearer": []}], "parameters": [ref("eventId")],
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "additionalProperties": False, "properties": {"status": {"type": "string", "enum": ["relevant", "dismissed", "escalated"]}, "note": {"type": ["string", "null"], "maxLength": 4000}}}}}},
      "responses": {"201": ok("Recorded.", sref("Triage")), "400": E400, "401": E401, "404": E404}}},
 "/api/documents": {"get": {"operationId": "get_document_by_query", "tags": ["documents"], "summary": "One stored document with its annotations, by `?id=` (ids may contain `/`).",
    "parameters": [P("id", "Document id.", {"type": "string"}, "query", True)],
    "responses": {"200": ok("The document (the `epiwire extract` shape).", sref("Document")), "400": E400, "404": E404}}},
 "/api/documents/{id}": {"get": {"operationId": "get_document", "tags": ["documents"], "summary": "One stored document with its annotations.",
    "description": "The id is the rest of the path: slashes may be given as they are or percent-encoded (`tests/fixtures/seeds/000_c6c40698dd1a2ea1.txt`).",
    "parameters": [P("id", "Document id (the rest of the path).", {"type": "string"}, "path", True)],
    "responses": {"200": ok("The document (the `epiwire extract` shape).", sref("Document")), "404": E404}}},
 "/api/search": {"get": {"operationId": "search", "tags": ["search"], "summary": "Full-text search over the documents, ranked by BM25.",
    "description": "Query syntax: all words are required; \"a phrase\"; `a OR b`; `-word` excludes; `title:word` searches one field. A query that does not parse is a 400. Snippets are plain text with highlight offsets (code points into the snippet). 503 when the search index could not be opened.",
    "parameters": [P("q", "The query text (at most 1000 bytes).", {"type": "string", "minLength": 1, "maxLength": 1000}, "query", True)] + filters + [P("outlet", "Outlet host (who.int), `www.` ignored.", {"type": "string"}), P("sort", "Order of the hits.", {"type": "string", "enum": ["relevance", "newest"], "default": "relevance"}), P("lenient", "true forgives bad syntax (search as you type): what parses is searched, the rest dropped.", {"type": "boolean", "default": False}), limit(20, 100), ref("offset")],
    "responses": {"200": ok("Hits and facet counts.", sref("SearchResults")), "400": E400, "503": err("The search index is unavailable.")}}},
 "/api/signals": {"get": {"operationId": "list_signals", "tags": ["signals"], "summary": "Alerts: signals, newest first.",
    "parameters": filters + [ref("signal"), limit(100, 1000), ref("offset")],
    "responses": {"200": ok("A page of signals.", {"type": "object", "required": ["signals", "limit", "offset"], "properties": {"signals": {"type": "array", "items": sref("Signal")}, "limit": {"type": "integer"}, "offset": {"type": "integer"}, "next_offset": {"type": ["integer", "null"]}}}), "400": E400}}},
 "/api/export/facts.csv": export("facts", "csv", "text/csv", "CSV (RFC 4180, header line)"),
 "/api/export/facts.jsonl": export("facts", "jsonl", "application/jsonl", "JSON Lines"),
 "/api/export/facts.geojson": export("facts", "geojson", "application/geo+json", "a GeoJSON FeatureCollection of points"),
 "/api/export/events.csv": export("events", "csv", "text/csv", "CSV (RFC 4180, header line)"),
 "/api/export/events.jsonl": export("events", "jsonl", "application/jsonl", "JSON Lines of EventSummary"),
 "/api/export/events.geojson": export("events", "geojson", "application/geo+json", "a GeoJSON FeatureCollection of points"),
 "/feed.atom": {"get": {"operationId": "atom_feed", "tags": ["signals"], "summary": "The latest 100 signals as an Atom 1.0 feed, one entry per signal with its reason.",
    "parameters": [ref("disease"), ref("country")],
    "responses": {"200": ok("Atom feed.", {"type": "string"}, "application/atom+xml"), "400": E400}}},
}
nullable = lambda t: {"type": [t, "null"]}
schemas = {
 "Error": {"type": "object", "required": ["error", "code"], "properties": {"error": {"type": "string", "description": "What is wrong, for a person."}, "code": {"type": "string", "enum": ["bad_request", "not_found", "no_route", "unauthorized", "method_not_allowed", "unsupported_media_type", "internal"]}}},
 "Triage": {"type": "object", "required": ["status", "note", "user", "at"], "properties": {"status": {"type": "string", "enum": ["relevant", "dismissed", "escalated"]}, "note": {"type": ["string", "null"]}, "user": {"type": "string", "description": "Name of the token used."}, "at": {"type": "string", "format": "date-time"}}},
 "Span": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"}}, "description": "Unicode code-point offsets into the document text."},
 "Figure": {"type": "object", "description": "One reported figure with its evidence.", "properties": {"doc_id": {"type": "string"}, "url": nullable("string"), "outlet": nullable("string"), "title": nullable("string"), "published": nullable("string"), "disease": nullable("string"), "disease_name": nullable("string"), "place": nullable("integer"), "place_name": nullable("string"), "country": nullable("string"), "metric": {"type": "string"}, "scope": {"type": "string"}, "qualifier": {"type": "string"}, "value": {"type": "number"}, "min": nullable("number"), "max": nullable("number"), "status": nullable("string"), "as_of": nullable("string"), "span": sref("Span"), "evidence": sref("Span")}},
 "Signal": {"type": "object", "required": ["kind", "date", "reason"], "properties": {"kind": {"type": "string", "enum": ["new_event","jump","ears_c1","ears_c2","ears_c3","farrington"]}, "date": {"type": "string", "format": "date"}, "disease": nullable("string"), "disease_name": nullable("string"), "country": nullable("string"), "event": nullable("string"), "value": {"type": "number"}, "threshold": {"type": "number"}, "score": {"type": "number"}, "reason": {"type": "string"}}},
 "EventSummary": {"type": "object", "required": ["id", "title", "diseases", "countries", "documents", "relevance"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"},
    "diseases": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}},
    "countries": {"type": "array", "items": {"type": "string"}},
    "places": {"type": "array", "items": {"type": "object", "properties": {"geonameid": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"}, "country": nullable("string"), "lat": {"type": "number"}, "lon": {"type": "number"}}}},
    "lat": nullable("number"), "lon": nullable("number"), "first_seen": nullable("string"), "last_seen": nullable("string"),
    "documents": {"type": "integer"}, "outlets": {"type": "integer"},
    "headline": {"type": "array", "items": sref("Figure")}, "signals": {"type": "array", "items": sref("Signal")},
    "relevance": {"type": "number"}, "triage": {"oneOf": [sref("Triage"), {"type": "null"}]}}},
 "EventDetail": {"allOf": [sref("EventSummary"), {"type": "object", "properties": {
    "sources": {"type": "array", "items": {"type": "object", "properties": {"doc_id": {"type": "string"}, "url": nullable("string"), "outlet": nullable("string"), "title": nullable("string"), "published": nullable("string"), "duplicate_of": nullable("string")}}},
    "figures": {"type": "array", "items": sref("Figure")},
    "series": {"type": "array", "items": {"type": "object", "properties": {"disease": nullable("string"), "country": nullable("string"), "metric": {"type": "string"}, "scope": {"type": "string"}, "points": {"type": "array", "items": {"type": "object", "properties": {"as_of": {"type": "string"}, "value": {"type": "number"}, "qualifier": {"type": "string"}, "doc_ids": {"type": "array", "items": {"type": "string"}}, "conflict": {"type": "boolean"}}}}}}},
    "conflicts": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["disagreement", "decrease"]}, "as_of": {"type": "string"}, "values": {"type": "array", "items": {"type": "number"}}, "doc_ids": {"type": "array", "items": {"type": "string"}}, "reason": {"type": "string"}}}}}}]},
 "Document": {"type": "object", "description": "A stored document: text and annotations (diseases, places, dates, counts, facts), offsets in code points into `text`, and the event it belongs to.", "required": ["id", "text"], "properties": {"id": {"type": "string"}, "event": {"type": ["string", "null"], "description": "Id of the document's event; null before consolidation."}, "url": nullable("string"), "title": nullable("string"), "published": nullable("string"), "language": nullable("string"), "text": {"type": "string"}, "diseases": {"type": "array", "items": {"type": "object"}}, "places": {"type": "array", "items": {"type": "object"}}, "dates": {"type": "array", "items": {"type": "object"}}, "counts": {"type": "array", "items": {"type": "object"}}, "facts": {"type": "array", "items": {"type": "object"}}}},
 "SearchResults": {"type": "object", "required": ["total", "hits"], "properties": {"total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
    "hits": {"type": "array", "items": {"type": "object", "properties": {"seq": {"type": "integer"}, "id": {"type": "string"}, "title": nullable("string"), "url": nullable("string"), "outlet": nullable("string"), "published": nullable("string"), "score": nullable("number"), "snippet": {"type": "string"}, "highlights": {"type": "array", "items": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}}}}}}},
    "facets": {"type": "object", "properties": {k: {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": nullable("string"), "count": {"type": "integer"}}}} for k in ["diseases", "countries", "outlets"]}}}},
 "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {"type": "object", "properties": {"type": {"const": "Feature"}, "geometry": {"type": "object", "properties": {"type": {"const": "Point"}, "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}}, "properties": {"type": "object"}}}}}},
}
doc = {
 "openapi": "3.1.0",
 "info": {"title": "epiwire API", "version": "0.1.0", "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
   "description": "Epidemic intelligence from the news: events, documents, search, signals, triage, exports and an Atom feed. Reads are open on loopback; writes need `Authorization: Bearer <token>` (`epiwire token create NAME`). Errors are JSON `{\"error\", \"code\"}`: 400 for bad parameters (unknown parameters included), 404 for unknown ids or routes, 401 for a missing or bad token."},
 "servers": [{"url": "http://127.0.0.1:8080"}],
 "paths": paths,
 "components": {"parameters": params, "schemas": schemas,
   "responses": {"BadRequest": err("A parameter or body that cannot be used."), "NotFound": err("No such id."), "Unauthorized": err("Missing, malformed or unknown bearer token.")},
   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token from `epiwire token create NAME`."}}},
}
print(json.dumps(doc, indent=1, ensure_ascii=False))
