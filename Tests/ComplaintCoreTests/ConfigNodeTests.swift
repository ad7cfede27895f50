import Testing

@testable import ComplaintCore

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

    @Test("a key written twice is reported where it comes again, naming the first")
    func duplicateKeyAtItsRepeat() {
        let (_, diagnostics) = root(
            """
            server:
              listen: 127.0.0.1:8080
              # the port, again, further down
              max_body_bytes: 1000
              listen: 0.0.0.0:80
            departments:
              - id: water
                name: 水务
                id: gas
            """)
        let text = diagnostics.issues.map(\.description)
        #expect(
            text.first
                == "gateway.yaml:5: YAML syntax error: duplicate key \"listen\" (first at line 2): remove one of the two",
            "\(text)")
        #expect(ConfigNode.repeatedKeyLine("id", firstLine: 7, in: "departments:\n  - id: a\n  - id: b\n") == nil)
        #expect(
            ConfigNode.repeatedKeyLine(
                "id", firstLine: 7,
                in: "x: 1\nx2: 2\nx3: 3\nx4: 4\nx5: 5\ndepartments:\n  - id: a\n    n: 1\n    id: b\n")
                == 9)
    }

    @Test("errors are thrown file by file, in the order files were read, each file's in line order")
    func errorsInLineOrder() {
        let diagnostics = ConfigDiagnostics()
        for (file, line) in [("b.yaml", 9), ("a.yaml", 3), ("b.yaml", 2), ("a.yaml", 1), ("b.yaml", 9)] {
            diagnostics.report(ConfigIssue(file: file, line: line, column: nil, field: "f", message: "m\(line)"))
        }
        do {
            try diagnostics.throwIfErrors()
            Issue.record("no error thrown")
        } catch let error as ConfigError {
            #expect(
                error.issues.map { "\($0.file):\($0.line ?? 0)" } == [
                    "b.yaml:2", "b.yaml:9", "b.yaml:9", "a.yaml:1", "a.yaml:3",
                ])
        } catch {
            Issue.record("\(error)")
        }
    }
}
