import ComplaintCore
import Foundation

/// Reads and validates `config/hotline/*.yaml` column profiles, every problem with file, line and field.
public enum HotlineProfileLoader {
    /// The formats a profile gets when it lists none: every way the 12345 and 311 exports write times.
    public static let defaultDateFormats = [
        "yyyy/M/d H:mm[:ss[.S]]", "yyyy-M-d H:mm[:ss[.S]]", "yyyy-M-dTH:mm[:ss[.S]]", "yyyyMMddHHmmss",
        "yyyy年M月d日 H时mm分[ss秒]", "yyyy年M月d日 H:mm[:ss]",
    ]

    /// Loads every `*.yaml` in `directory` (absent directory: no profiles), reporting to `diagnostics`.
    /// - Parameter displayPrefix: how messages name the folder (`hotline/`).
    public static func loadAll(
        directory: URL, displayPrefix: String = "hotline/", diagnostics: ConfigDiagnostics,
        environment: [String: String]
    ) -> [String: HotlineProfile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var profiles: [String: HotlineProfile] = [:]
        // Any case of the extension (Windows saves `12345.YAML`); no hidden files (an editor's `.x.yaml.swp`
        // is none, but `.x.yaml` left by one would be a profile named `.x`).
        for file in names.sorted()
        where !file.hasPrefix(".") && [".yaml", ".yml"].contains(where: { file.lowercased().hasSuffix($0) }) {
            let name = String(file[..<file.lastIndex(of: ".")!])
            let root = ConfigNode.load(
                url: directory.appendingPathComponent(file), displayName: displayPrefix + file,
                diagnostics: diagnostics, environment: environment)
            if let profile = read(root, name: name) { profiles[name] = profile }
        }
        return profiles
    }

    /// Reads one profile from its root node; nil when it has errors (reported).
    public static func read(_ root: ConfigNode, name: String) -> HotlineProfile? {
        let errorsBefore = root.diagnostics.errors.count
        root.expectMapping(allowedKeys: [
            "description", "encoding", "fallback_encoding", "time_zone", "date_formats", "default_country_code",
            "default_area_code",
            "columns", "categories", "districts", "empty_values",
        ])
        var encoding: CSVEncoding?
        if let label = root["encoding"].string(), label.lowercased() != "auto" {
            encoding = CSVEncoding(label: label)
            if encoding == nil {
                root["encoding"].error(
                    "unknown encoding \"\(label)\" (auto, utf-8, gb18030, gbk, gb2312, utf-16le, windows-1252, "
                        + "macintosh, ibm850)")
            }
        }
        var fallbackEncoding = CSVEncoding.gb18030
        if let label = root["fallback_encoding"].string() {
            switch CSVEncoding(label: label) {
            case .gb18030?: break
            case .windows1252?: fallbackEncoding = .windows1252
            default:
                root["fallback_encoding"].error(
                    "fallback_encoding must be gb18030 (or gbk, gb2312) or windows-1252, not \"\(label)\": "
                        + "UTF-8 and UTF-16 are detected, not fallen back to")
            }
        }
        let timeZone = ProfileTimeZone.read(root["time_zone"])

        var formats: [CallTimeFormat] = []
        let formatNodes = root["date_formats"].isPresent ? root["date_formats"].items() : []
        if formatNodes.isEmpty {
            formats = defaultDateFormats.compactMap { try? CallTimeFormat.compile($0).get() }
        }
        for node in formatNodes {
            guard let pattern = node.requiredString() else { continue }
            switch CallTimeFormat.compile(pattern) {
            case .success(let format): formats.append(format)
            case .failure(let failure): node.error(failure.message)
            }
        }
        let country = root["default_country_code"].string() ?? "86"
        let area = root["default_area_code"].string()
        if let area, area.isEmpty || area.count > 4 || !area.allSatisfy(\.isASCII) || !area.allSatisfy(\.isNumber) {
            root["default_area_code"].error("expected 1-4 digits without the trunk 0 (such as 571), found \"\(area)\"")
        }

        var columns: [HotlineColumn] = []
        var seenHeaders: [String: String] = [:]
        let columnsNode = root["columns"]
        if !columnsNode.isPresent { columnsNode.error("required field is missing") }
        let keys = columnsNode.entries()
        for (key, node) in keys {
            ProfileColumnKeys.check(key, at: node)
            let field = HotlineField(key: key)
            var headers: [String] = []
            var required = field == .ticketID || field == .callTime
            var type = HotlineColumn.ValueType.text
            // `FIELD: HEADER`, or `FIELD: {header, aliases, required, type}` (and for call_time,
            // `time_header` and `time_aliases`: the time of day in a column of its own).
            let clockKeys = field == .callTime ? ["time_header", "time_aliases"] : []
            let isMapping = (["header", "aliases", "required", "type"] + clockKeys).contains { node[$0].isPresent }
            if isMapping {
                node.expectMapping(allowedKeys: Set(["header", "aliases", "required", "type"] + clockKeys))
                if let header = node["header"].requiredString() { headers.append(header) }
                headers += node["aliases"].stringList()
                required = node["required"].bool(default: required)
                type = node["type"].oneOf(HotlineColumn.ValueType.self, default: .text)
                if type != .text, let reading = field.fixedReading {
                    // Taken, it would refuse every real latitude (`integer`) or read a phone as a length.
                    node["type"].error(
                        "only a column kept in source.extra (such as duration_s) takes a type: \(key) is always read as "
                            + reading)
                    type = .text
                }
                if (field == .ticketID || field == .callTime) && !required {
                    node["required"].error("\(key) is always required")
                }
            } else if let header = node.requiredString() {
                headers.append(header)
            }
            for header in headers {
                let normalized = HeaderName.normalize(header)
                if normalized.isEmpty {
                    // It would bind a blank header cell: a title row's, or notes typed beside the table.
                    node.error("a header or alias must not be empty (found \"\(header)\")")
                    continue
                }
                if let other = seenHeaders[normalized] {
                    node.error(
                        other == key
                            ? "header \"\(header)\" is listed twice for \(key)"
                            : "header \"\(header)\" is already used by column \(other)")
                }
                seenHeaders[normalized] = key
            }
            columns.append(HotlineColumn(field: field, headers: headers, required: required, type: type))
            if field == .callTime, let clock = readClockColumn(node, seenHeaders: &seenHeaders) {
                columns.append(clock)
            }
        }
        for needed in [HotlineField.ticketID, .callTime] where !columns.contains(where: { $0.field == needed }) {
            columnsNode.error(
                "a profile needs a \(needed.key) column (\(needed == .ticketID ? "the dedup key" : "received_at"))")
        }
        if columnsNode.isPresent { ProfileColumnKeys.checkFields(keys, columnsNode: columnsNode) }
        let categories = readCategories(root["categories"])
        // Latin names match addresses in any case (DistrictFinder), so `Queens` and `QUEENS` are one.
        let districts = DistrictFinder.readList(root["districts"])
        var emptyValues: Set<String> = []
        for node in root["empty_values"].items() {
            guard let value = node.requiredString() else { continue }
            let normalized = HeaderName.normalize(value)
            if normalized.isEmpty { node.error("an empty value is empty already: list what the export writes instead") }
            if !normalized.isEmpty, !emptyValues.insert(normalized).inserted {
                node.warning("\"\(value)\" is listed twice (values compare ignoring case, spaces, _ and -)")
            }
        }
        guard root.diagnostics.errors.count == errorsBefore, let timeZone else { return nil }
        return HotlineProfile(
            name: name, description: root["description"].string().flatMap(TextNormalizer.normalizeOptional),
            encoding: encoding, fallbackEncoding: fallbackEncoding, timeZone: timeZone,
            dateFormats: formats, defaultCountryCode: country,
            defaultAreaCode: area, columns: columns, categories: categories, districts: districts,
            emptyValues: emptyValues)
    }
}

extension HotlineProfileLoader {
    /// `call_time`'s `time_header` (with `time_aliases`): the column an export writes the time of
    /// day in, apart from the date (来电日期 + 来电时刻). Always required.
    static func readClockColumn(_ node: ConfigNode, seenHeaders: inout [String: String]) -> HotlineColumn? {
        guard node["time_header"].isPresent || node["time_aliases"].isPresent else { return nil }
        guard let header = node["time_header"].requiredString() else { return nil }
        let aliases = node["time_aliases"].items()
        let headers = [header] + node["time_aliases"].stringList()
        let owner = "call_time's time_header"
        for (index, header) in headers.enumerated() {
            // Said at the alias's own line.
            let at =
                index == 0 ? node["time_header"] : aliases.count >= index ? aliases[index - 1] : node["time_aliases"]
            let normalized = HeaderName.normalize(header)
            if normalized.isEmpty {
                at.error("a header or alias must not be empty (found \"\(header)\")")
            } else if let other = seenHeaders[normalized] {
                at.error(
                    other == owner
                        ? "header \"\(header)\" is listed twice for \(owner)"
                        : "header \"\(header)\" is already used by column \(other)")
            }
            seenHeaders[normalized] = owner
        }
        return HotlineColumn(field: .callClock, headers: headers, required: true)
    }

    /// `categories`: each target one of complaint/v1's categories (a typo such as 投拆 would
    /// match no rule), and no two file values that compare equal (the later would silently win).
    static func readCategories(_ node: ConfigNode) -> [String: String] {
        var categories: [String: String] = [:]
        var written: [String: (value: String, line: Int?)] = [:]
        for (value, target) in node.entries() {
            guard let category = target.requiredString() else { continue }
            let key = HeaderName.normalize(value)
            if !ComplaintCategory.all.contains(category) {
                target.error("\"\(category)\" is not a category (\(ComplaintCategory.listed))")
            }
            if let earlier = written[key] {
                target.error(
                    "\"\(value)\" is the same file value as \"\(earlier.value)\"\(earlier.line.map { " (line \($0))" } ?? ""): "
                        + "values compare ignoring case, spaces, _ and -")
            }
            written[key] = (value, target.line)
            categories[key] = category
        }
        return categories
    }
}

/// How headers (and category values) compare: trimmed, case-insensitive, whitespace ignored.
enum HeaderName {
    /// NFC, lowercased, full-width ASCII folded to its plain form, and every space, line break,
    /// underscore and hyphen dropped: a Chinese IME types `通话时长（秒）` where the profile says
    /// `通话时长(秒)`, a header cell wrapped with Alt+Enter reads `通话时长⏎(秒)`, and NYC's
    /// `Complaint Type` is `complaint_type` in its API export and `complaint-type` elsewhere: each
    /// names one column.
    static func normalize(_ text: String) -> String {
        let normalized = TextNormalizer.normalize(text)
        guard
            normalized.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0 == "_" || $0 == "-" || ($0.value >= 0x3000 && isFullWidth($0))
            })
        else {
            return normalized.lowercased()
        }
        var folded = String.UnicodeScalarView()
        for scalar in normalized.unicodeScalars where !scalar.properties.isWhitespace {
            let plain = isFullWidth(scalar) ? Unicode.Scalar(scalar.value - 0xFEE0)! : scalar
            if plain != "_" && plain != "-" { folded.append(plain) }
        }
        return TextNormalizer.normalize(String(folded)).lowercased()
    }

    private static func isFullWidth(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF01...0xFF5E).contains(scalar.value)
    }
}
