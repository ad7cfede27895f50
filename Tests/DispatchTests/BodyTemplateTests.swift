import ComplaintDispatch
import Foundation
import Testing

/// Mustache body templates: JSON-safe variables, sections, the whole record, invalid output.
@Suite struct BodyTemplateTests {
    let record = Data(
        #"""
        {"schema":"complaint/v1","id":"cmp_1","text":"噪音\"很大\"\n请处理\\","complainant":{"phone":"+8613812345678","name":null},
         "attachments":[{"filename":"a.jpg","size":48213},{"filename":"b.png","size":1}],"routing":{"department":"water","priority":"high"}}
        """#.utf8)

    @Test func rendersFieldsEscapedForJSON() throws {
        let template = try BodyTemplate(
            source: "t.mustache",
            text: """
                {"ticket":"{{id}}","content":"{{text}}","dept":"{{routing.department}}","phone":"{{complainant.phone}}",
                 "name":{{#complainant.name}}"{{complainant.name}}"{{/complainant.name}}{{^complainant.name}}null{{/complainant.name}},
                 "files":[{{#attachments}}{"n":"{{filename}}","size":{{size}}}{{^last()}},{{/last()}}{{/attachments}}],
                 "original":{{{record_json}}}}
                """)
        let body = try template.render(record: record)
        let parsed = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(parsed["ticket"] as? String == "cmp_1")
        #expect(parsed["content"] as? String == "噪音\"很大\"\n请处理\\")
        #expect(parsed["dept"] as? String == "water")
        #expect(parsed["phone"] as? String == "+8613812345678")
        #expect(parsed["name"] is NSNull)
        let files = try #require(parsed["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files.first?["size"] as? Int == 48213)
        #expect((parsed["original"] as? [String: Any])?["id"] as? String == "cmp_1")
        #expect(template.contentType == "application/json")
    }

    /// A department's system fetches the files: each one's download address, built from the
    /// record's id (found from inside the section) and the file's index.
    @Test func attachmentDownloadAddresses() throws {
        let template = try BodyTemplate(
            source: "files.mustache",
            text: """
                {"files":[{{#attachments}}{"name":"{{filename}}",
                  "url":"https://gateway.example.gov.cn/v1/complaints/{{id}}/attachments/{{index()}}"}{{^last()}},{{/last()}}{{/attachments}}]}
                """)
        #expect(template.unknownVariables().isEmpty)
        let body = try template.render(record: record)
        let parsed = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let files = try #require(parsed["files"] as? [[String: Any]])
        #expect(
            files.map { $0["url"] as? String } == [
                "https://gateway.example.gov.cn/v1/complaints/cmp_1/attachments/0",
                "https://gateway.example.gov.cn/v1/complaints/cmp_1/attachments/1",
            ])
    }

    @Test func misspeltVariablesAreNamed() throws {
        let good = try BodyTemplate(
            source: "good.mustache",
            text: """
                {"t":"{{text}}","p":"{{complainant.phone}}","q":"{{source.extra.queue}}","d":"{{routing.due_at}}",
                 "f":[{{#attachments}}"{{filename}}{{id}}"{{^last()}},{{/last()}}{{/attachments}}],
                 "r":[{{#thread.references}}"{{.}}"{{/thread.references}}],"lat":"{{location.lat}}","o":{{{record_json}}}}
                """)
        #expect(good.unknownVariables().isEmpty)
        let sample = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("config/templates/work-order.json.mustache"),
            encoding: .utf8)
        #expect(try BodyTemplate(source: "work-order", text: sample).unknownVariables().isEmpty)
        let typos = try BodyTemplate(
            source: "typos.mustache",
            text:
                #"{"t":"{{txet}}","p":"{{compliant.phone}}","n":"{{complainant.fone}}","a":"{{#attachments}}{{nme}}{{/attachments}}"}"#
        )
        #expect(typos.unknownVariables() == ["txet", "compliant", "fone", "nme"])
    }

    @Test func outputThatIsNotJSONIsRefused() throws {
        let template = try BodyTemplate(source: "bad.mustache", text: #"{"ticket": {{id}}}"#)
        #expect(throws: BodyTemplate.Failure.self) { try template.render(record: record) }
    }

    @Test func otherContentTypesAreNotEscapedNorChecked() throws {
        let template = try BodyTemplate(
            source: "t.txt.mustache", text: "ticket={{id}} dept={{routing.department}}", contentType: "text/plain")
        #expect(String(decoding: try template.render(record: record), as: UTF8.self) == "ticket=cmp_1 dept=water")
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        do {
            _ = try BodyTemplate(source: "templates/x.mustache", text: "{\n  \"a\": \"{{#id}}\"\n}")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.description.hasPrefix("templates/x.mustache:"))
            #expect(error.description.contains("template syntax error"))
        }
    }
}
