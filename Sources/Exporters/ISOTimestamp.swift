/// `2026-11-25T12:57:43.971415Z`: UTC, microseconds, as the Python SDK writes span times.
enum ISOTimestamp {
    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Writes the quoted timestamp of `nanos` (rounded to the nearest microsecond).
    static func write(_ nanos: UInt64, into writer: inout JSONWriter, cache: inout Cache) {
        // Rounding up past the last whole microsecond a UInt64 holds would write a time that does not read back.
        let micros = nanos <= UInt64.max - 500 ? (nanos + 500) / 1000 : UInt64.max / 1000
        let seconds = micros / 1_000_000
        if seconds != cache.seconds {
            cache.seconds = seconds
            cache.prefix = Prefix(prefix(seconds: Int64(seconds)))
        }
        writer.quotedTimestamp(prefix: cache.prefix.words, micros: micros % 1_000_000)
    }

    /// `YYYY-MM-DDTHH:MM:SS.` for a second count.
    static func prefix(seconds: Int64) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = civil(days: days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(y)
        let paddedYear = String(repeating: "0", count: max(0, 4 - year.count)) + year
        let text = "\(paddedYear)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))."
        return Array(text.utf8)
    }

    /// The 20 bytes of a prefix held inline, so that writing one is a copy of a known length and not a call.
    /// Every time a UInt64 of nanoseconds holds falls in the four-digit years 1970–2554.
    struct Prefix {
        static let count = 20
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)

        init() {}

        init(_ bytes: [UInt8]) {
            precondition(bytes.count == Self.count, "a timestamp prefix is 20 bytes")
            withUnsafeMutableBytes(of: &words) { words in bytes.withUnsafeBytes { words.copyMemory(from: $0) } }
        }
    }

    /// The last second formatted, so spans ending within one second share the work.
    struct Cache {
        /// The second `prefix` is for; nil before the first timestamp.
        var seconds: UInt64?
        var prefix = Prefix()
    }

    /// Nanoseconds since the epoch of `2026-11-25T12:57:43.971415Z` (fraction of 0–9 digits, `Z` or `+00:00`).
    static func parse(_ text: some Collection<UInt8>) -> UInt64? {
        Array(text).withUnsafeBufferPointer { parse($0) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var cache = MinuteCache()
        return parse(b, cache: &cache)
    }

    /// The last minute parsed, `YYYY-MM-DDTHH:MM` as two words and in seconds: the times of one file mostly share
    /// it, and then only the seconds and the fraction are left to read.
    struct MinuteCache {
        var text: (UInt64, UInt64)?
        var seconds: Int64 = 0
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, cache: inout MinuteCache) -> UInt64? {
        // Fixed positions read through the pointer: every line holds two or three of these, and a replay parses
        // each line twice.
        guard b.count >= 20, let p = b.baseAddress else { return nil }
        let n = b.count
        @inline(__always) func digit(_ i: Int) -> Int64? {
            let v = p[i] &- 0x30
            return v < 10 ? Int64(v) : nil
        }
        @inline(__always) func pair(_ i: Int) -> Int64? {
            guard let high = digit(i), let low = digit(i + 1) else { return nil }
            return high * 10 + low
        }
        let text = (UnsafeRawPointer(p).loadUnaligned(as: UInt64.self),
                    UnsafeRawPointer(p).loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let minute: Int64
        if let known = cache.text, known == text {
            minute = cache.seconds
        } else {
            guard let century = pair(0), let yearOfCentury = pair(2), p[4] == UInt8(ascii: "-"), let month = pair(5),
                  p[7] == UInt8(ascii: "-"), let day = pair(8), p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " "),
                  let hour = pair(11), p[13] == UInt8(ascii: ":"), let minuteOfHour = pair(14),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minuteOfHour < 60
            else { return nil }
            let year = century * 100 + yearOfCentury
            minute = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minuteOfHour * 60
            cache = MinuteCache(text: text, seconds: minute)
        }
        guard p[16] == UInt8(ascii: ":"), let second = pair(17), second < 61 else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if n == 27, let micros = sixDigitFraction(UnsafeRawPointer(p + 19)) {
            // `.ffffffZ`, as Python writes every time; the `Z` is checked below.
            i = 26
            nanos = micros * 1000
        } else if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n, let v = digit(i) {
                guard i - start < 9 else { return nil }
                nanos = nanos * 10 + v
                i += 1
            }
            guard i > start else { return nil }
            nanos *= Self.powersOfTen[9 - (i - start)]
        }
        let zulu = n - i == 1 && p[i] == UInt8(ascii: "Z")
        guard zulu || (n - i == 6 && UnsafeBufferPointer(rebasing: b[i...]).elementsEqual("+00:00".utf8)) else {
            return nil
        }
        let seconds = minute + second
        // Four-digit years run to 9999, nanoseconds in a UInt64 only to 2554: later times are not times we can hold.
        guard seconds >= 0 else { return nil }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(UInt64(nanos))
        return overflow || carry ? nil : total
    }

    /// The microseconds of `.ffffffZ` at `p`, read as one word: the digit loop was most of a parse.
    @inline(__always)
    static func sixDigitFraction(_ p: UnsafeRawPointer) -> Int64? {
        let w = p.loadUnaligned(as: UInt64.self)
        guard w & 0xFF == UInt64(UInt8(ascii: ".")), w >> 56 == UInt64(UInt8(ascii: "Z")) else { return nil }
        let digits = (w >> 8) & 0x0000_FFFF_FFFF_FFFF
        let ones: UInt64 = 0x0000_0101_0101_0101
        let high = ones &* 0x80
        // With every byte below 0x80, adding (0x80 - c) sets a byte's high bit exactly when the byte is >= c.
        guard digits & high == 0,
              (digits &+ ones &* (0x80 - 0x30)) & ~(digits &+ ones &* (0x80 - 0x3A)) & high == high else { return nil }
        let v = digits & (ones &* 0x0F)
        // Adjacent digits into pairs (the first digit is the lowest byte), then the three pairs into one number.
        let pairs = (v &* 10 &+ (v >> 8)) & 0x0000_00FF_00FF_00FF
        return Int64((pairs & 0xFF) * 10_000 + ((pairs >> 16) & 0xFF) * 100 + (pairs >> 32))
    }

    private static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
}
