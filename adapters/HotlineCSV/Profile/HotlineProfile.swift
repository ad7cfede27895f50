import Foundation

/// How one vendor's call-log export maps onto `complaint/v1`: columns, call-time formats, zone, encoding.
///
/// Loaded from `config/hotline/NAME.yaml` (see ``HotlineProfileLoader``); the profile's name is
/// the file's name and becomes the records' `source.adapter`, so ticket ids deduplicate per profile.
public struct HotlineProfile: Sendable {
    /// The file name without `.yaml` (`12345`, `311`).
    public var name: String
    /// `description`: what the profile is for, shown beside its name on the upload page.
    public var description: String?
    /// `encoding` (default `auto`): nil detects (byte-order mark, then strict UTF-8, then
    /// ``fallbackEncoding``).
    public var encoding: CSVEncoding?
    /// `fallback_encoding` (default `gb18030`): what a detected file that is not UTF-8 is read as.
    /// `windows-1252` for exports from Excel on a Western Windows (a US 311 centre's).
    public var fallbackEncoding: CSVEncoding
    /// `time_zone` (default `Asia/Shanghai`): the zone call times are written in.
    public var timeZone: TimeZone
    /// `date_formats`: tried in order.
    public var dateFormats: [CallTimeFormat]
    /// `default_country_code` (default `86`): for phone numbers written without one.
    public var defaultCountryCode: String
    /// `default_area_code` (default none): the hotline's own area code (`571`), for local
    /// numbers written without one (7 or 8 digits); without it such numbers are invalid.
    public var defaultAreaCode: String?
    /// `columns`: one entry per record field the file feeds, in file order of the YAML.
    public var columns: [HotlineColumn]
    /// `categories`: a file's category values (trimmed, case-insensitive) → the record's category.
    /// A value that is already a category (投诉) is taken as it is; any other goes to
    /// `source.extra.category`.
    public var categories: [String: String]
    /// `districts`: names an address may hold (`西湖区`); when a row has no district of its own, the
    /// one its address names first becomes `location.district`, for rules to route on.
    public var districts: [String]
    /// `empty_values`: what this export writes in a cell that has no value (`Unspecified`, `N/A`,
    /// `无`), compared as headers are (``HeaderName``); such a cell is read as empty.
    public var emptyValues: Set<String>

    public init(
        name: String, description: String? = nil, encoding: CSVEncoding? = nil,
        fallbackEncoding: CSVEncoding = .gb18030, timeZone: TimeZone,
        dateFormats: [CallTimeFormat],
        defaultCountryCode: String = "86", defaultAreaCode: String? = nil, columns: [HotlineColumn],
        categories: [String: String] = [:], districts: [String] = [], emptyValues: Set<String> = []
    ) {
        self.name = name
        self.description = description
        self.encoding = encoding
        self.fallbackEncoding = fallbackEncoding
        self.timeZone = timeZone
        self.dateFormats = dateFormats
        self.defaultCountryCode = defaultCountryCode
        self.defaultAreaCode = defaultAreaCode
        self.columns = columns
        self.categories = categories
        self.districts = districts
        self.emptyValues = emptyValues
    }
}

/// One column of a profile: the record field it feeds and the headers it may appear under.
public struct HotlineColumn: Sendable, Hashable {
    /// The record field (`ticket_id`, `call_time`, `phone`, …) or an extra key.
    public var field: HotlineField
    /// `header` then `aliases`, as written.
    public var headers: [String]
    /// `required`: a row with this field empty is rejected (`ticket_id` and `call_time` always are).
    public var required: Bool
    /// `type`: `text` (default), `integer`, or `duration` (a length in any of the forms
    /// ``CallDuration`` reads, stored as seconds); a row with something else there is rejected.
    public var type: ValueType

    public enum ValueType: String, Sendable, Hashable, CaseIterable { case text, integer, duration }

    public init(field: HotlineField, headers: [String], required: Bool = false, type: ValueType = .text) {
        self.field = field
        self.headers = headers
        self.required = required
        self.type = type
    }
}

/// Where a column's value goes in the record.
public enum HotlineField: Sendable, Hashable {
    /// `source.external_id`, the dedup key.
    case ticketID
    /// `received_at`: deadlines count from the call.
    case callTime
    case phone
    case name
    case category
    case text
    case subject
    case address
    case district
    /// `location.lat` and `location.lon`, in decimal degrees.
    case latitude
    case longitude
    /// The time of the call where an export writes date and time in two columns (`call_time`'s
    /// `time_header`): joined to the date before the patterns are tried.
    case callClock
    /// `source.extra.KEY`, for any other key (`agent`, `duration_s`).
    case extra(String)

    /// What a record field is read as, whatever a profile says; nil for ``extra(_:)``, whose
    /// `type` the profile chooses.
    var fixedReading: String? {
        switch self {
        case .ticketID: "text (the dedup key)"
        case .callTime, .callClock: "a time, by the date_formats"
        case .phone: "a phone number"
        case .latitude, .longitude: "decimal degrees"
        case .category: "text, mapped by categories"
        case .name, .text, .subject, .address, .district: "text"
        case .extra: nil
        }
    }

    /// The profile key naming the field.
    public init(key: String) {
        switch key {
        case "ticket_id": self = .ticketID
        case "call_time": self = .callTime
        case "phone": self = .phone
        case "name": self = .name
        case "category": self = .category
        case "text": self = .text
        case "subject": self = .subject
        case "address": self = .address
        case "district": self = .district
        case "lat": self = .latitude
        case "lon": self = .longitude
        default: self = .extra(key)
        }
    }

    /// The key as written in profiles and reports.
    public var key: String {
        switch self {
        case .ticketID: "ticket_id"
        case .callTime: "call_time"
        case .phone: "phone"
        case .name: "name"
        case .category: "category"
        case .text: "text"
        case .subject: "subject"
        case .address: "address"
        case .district: "district"
        case .latitude: "lat"
        case .longitude: "lon"
        case .callClock: "call_time's time_header"
        case .extra(let key): key
        }
    }
}
