// A minimal SPARQL 1.1 Protocol server over an Apache Jena TDB2 dataset: a test fixture
// (tests/test_jena.py), standing in for Fuseki, which Debian does not package. Every answer is
// Jena's own: ARQ parses (strict SPARQL 1.1) and evaluates, TDB2 stores, ResultSetFormatter and
// RDFDataMgr write.
//
//   java -cp OUT:'/usr/share/java/*' JenaServer DIR PORT [--union-default-graph]
//
// GET/POST /query (?query=, application/sparql-query, form query=): SELECT and ASK as SPARQL JSON
// results (XML when Accept asks for it and not for JSON), CONSTRUCT and DESCRIBE as N-Triples
// (Turtle when Accept asks for text/turtle). POST /update (application/sparql-update, form
// update=): SPARQL Update, the whole request in one write transaction. The protocol's dataset
// parameters (default-graph-uri, using-graph-uri, ...) are not supported.
// --union-default-graph: the default graph of queries (and of updates' WHERE) is the union of the
// named graphs, Jena's tdb2:unionDefaultGraph (Fuseki: `tdb2:unionDefaultGraph true`); the stored
// default graph, which updates without GRAPH write to, is then not part of it.
// It listens on 127.0.0.1 only and refuses any other client. A request that fails is a 400 with
// Jena's message.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.update.UpdateAction;
import org.apache.jena.update.UpdateFactory;
import org.apache.jena.update.UpdateRequest;

public class JenaServer {
    static Dataset dataset;

    public static void main(String[] args) throws IOException {
        dataset = TDB2Factory.connectDataset(args[0]);
        if (args.length > 2 && args[2].equals("--union-default-graph")) {
            dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        HttpServer server = HttpServer.create(new InetSocketAddress(loopback, Integer.parseInt(args[1])), 0);
        server.createContext("/query", ex -> handle(ex, false));
        server.createContext("/update", ex -> handle(ex, true));
        server.setExecutor(Executors.newFixedThreadPool(4)); // TDB2: many readers, one writer at a time
        server.start();
    }

    static void handle(HttpExchange ex, boolean update) throws IOException {
        try (ex) {
            if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
                send(ex, 403, "text/plain", "loopback clients only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String text = operation(ex, update ? "update" : "query");
            if (text == null) {
                String what = update ? "POST an update" : "give a query";
                send(ex, 400, "text/plain", (what + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String type;
            try {
                type = update ? update(text) : query(text, ex.getRequestHeaders().getFirst("Accept"), out);
            } catch (RuntimeException e) { // a parse error, a failed evaluation: Jena's message
                send(ex, 400, "text/plain", (e + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(ex, update ? 204 : 200, type, out.toByteArray());
        }
    }

    /** The query or update text of a request (null if there is none, or a GET to /update). */
    static String operation(HttpExchange ex, String name) throws IOException {
        String method = ex.getRequestMethod();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        type = type == null ? "" : type.split(";")[0].trim().toLowerCase();
        if (method.equals("GET") && name.equals("query")) {
            return form(ex.getRequestURI().getRawQuery()).get(name);
        }
        if (!method.equals("POST")) {
            return null;
        }
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (type.equals("application/sparql-" + name)) {
            return body;
        }
        return type.equals("application/x-www-form-urlencoded") ? form(body).get(name) : null;
    }

    static Map<String, String> form(String encoded) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : encoded == null ? new String[0] : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            fields.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** Runs a query in a read transaction, writing its answer; returns the answer's media type. */
    static String query(String text, String accept, OutputStream out) {
        // strict SPARQL 1.1, not ARQ's extensions (which Fuseki accepts): what any store must accept
        Query query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
        return Txn.calculateRead(dataset, () -> {
            try (QueryExecution qe = QueryExecution.dataset(dataset).query(query).build()) {
                boolean xml = accept != null && accept.contains("sparql-results+xml") && !accept.contains("json");
                if (query.isSelectType() && xml) {
                    ResultSetFormatter.outputAsXML(out, qe.execSelect());
                } else if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(out, qe.execSelect());
                } else if (query.isAskType() && xml) {
                    ResultSetFormatter.outputAsXML(out, qe.execAsk());
                } else if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(out, qe.execAsk());
                } else {
                    boolean turtle = accept != null && accept.contains("text/turtle");
                    RDFDataMgr.write(out, query.isConstructType() ? qe.execConstruct() : qe.execDescribe(),
                            turtle ? Lang.TURTLE : Lang.NTRIPLES);
                    return turtle ? "text/turtle" : "application/n-triples";
                }
                return xml ? "application/sparql-results+xml" : "application/sparql-results+json";
            }
        });
    }

    /** Runs an update request (all its operations) in one write transaction. */
    static String update(String text) {
        UpdateRequest request = UpdateFactory.create(text, Syntax.syntaxSPARQL_11);
        Txn.executeWrite(dataset, () -> UpdateAction.execute(request, dataset));
        return "text/plain";
    }

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }
}
