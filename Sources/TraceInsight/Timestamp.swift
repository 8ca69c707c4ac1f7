/// Unix nanoseconds as the ISO-8601 UTC text the JSON Lines files use: `2026-11-25T12:57:43.971415Z`.
public enum Timestamp {
    public static func iso(_ nanos: UInt64) -> String {
        let seconds = Int64(nanos / 1_000_000_000)
        let micros = Int64(nanos % 1_000_000_000) / 1000
        let (year, month, day) = civil(days: seconds / 86_400)
        let s = seconds % 86_400
        func pad(_ v: Int64, _ n: Int) -> String {
            let t = String(v)
            return String(repeating: "0", count: max(0, n - t.count)) + t
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2)).\(pad(micros, 6))Z"
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
