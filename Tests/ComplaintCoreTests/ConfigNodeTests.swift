import ComplaintCore
import Testing

@Suite("Config reading: typed values, fallbacks and located errors")
struct ConfigNodeTests {
    func root(_ yaml: String, _ environment: [String: String] = [:]) -> (ConfigNode, ConfigDiagnostics) {
        let diagnostics = ConfigDiagnostics()
        return (
            ConfigNode.parse(
                yaml: yaml, displayName: "gateway.yaml", diagnostics: diagnostics, environment: environment),
            diagnostics
        )
    }

    @Test func typedValuesAndDefaults() {
        let (node, diagnostics) = root(
            """
            server:
              port: ${PORT:-8080}
              debug: yes
              ratio: 0.5
              names: [a, b]
              single: c
            """)
        let server = node["server"]
        #expect(server["port"].int(default: 1) == 8080)
        #expect(server["debug"].bool(default: false))
        #expect(server["ratio"].double(default: 0) == 0.5)
        #expect(server["names"].stringList() == ["a", "b"])
        #expect(server["single"].stringList() == ["c"])
        #expect(server["absent"].int(default: 7) == 7)
        #expect(!diagnostics.hasErrors)
    }

    @Test func errorsCarryLineAndField() {
        let (node, diagnostics) = root(
            """
            server:
              port: eighty
              extra: 1
            storage:
              sqlite: [not, a, map]
            """)
        _ = node["server"]["port"].int(default: 1, in: 1...65535)
        node["server"].expectMapping(allowedKeys: ["port"])
        node["storage"]["sqlite"].expectMapping(allowedKeys: ["synchronous"])
        let text = diagnostics.issues.map(\.description)
        #expect(text.contains("gateway.yaml:2: server.port: expected an integer, found \"eighty\""))
        #expect(text.contains { $0.hasPrefix("gateway.yaml:3: server.extra: unknown field") })
        #expect(text.contains("gateway.yaml:5: storage.sqlite: expected a mapping (key: value pairs)"))
    }

    @Test func outOfRangeAndMissing() {
        let (node, diagnostics) = root("a:\n  n: 70000\n")
        #expect(node["a"]["n"].int(default: 5, in: 1...65535) == 5)
        #expect(node["a"]["name"].requiredString() == nil)
        let text = diagnostics.issues.map(\.description)
        #expect(text.contains("gateway.yaml:2: a.n: 70000 is out of range 1...65535"))
        #expect(text.contains("gateway.yaml:2: a.name: required field is missing"))
    }
}
