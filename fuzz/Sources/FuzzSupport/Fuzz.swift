import CFuzzDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs libFuzzer with the command line's options, calling `body` with every input.
public enum Fuzz {
    // A C function pointer cannot capture, so the body waits here; libFuzzer calls it from one thread only.
    nonisolated(unsafe) private static var body: ((UnsafeBufferPointer<UInt8>) -> Void)?

    public static func run(_ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
        Self.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzz.body?(UnsafeBufferPointer(start: size == 0 ? nil : data, count: size))
            return 0
        })
    }

    /// Stops the run on a broken invariant; libFuzzer saves the input as `crash-*` and reports it.
    public static func violated(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        fatalError("invariant violated: \(message)", file: file, line: line)
    }
}

extension String {
    /// The bytes as text for a failure message, never longer than a screen.
    public init(forMessage bytes: some Collection<UInt8>) {
        let text = String(decoding: bytes.prefix(2000), as: UTF8.self)
        self = bytes.count > 2000 ? text + "…" : text
    }
}
