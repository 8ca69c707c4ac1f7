/// The options of `bsb compile`.
public struct CompileOptions: Sendable {
    /// Remove the stored network first (only what the storage engine created).
    public var clear = false
    /// Keep the stored network and add to it.
    public var append = false
    /// Recompute the selected strategies' data, keeping the rest.
    public var redo = false
    public var skipPlacement = false
    public var skipConnectivity = false
    /// Run only these strategies (placement or connectivity names).
    public var only: [String] = []
    /// Do not run these strategies.
    public var skip: [String] = []
    /// Network size overrides, µm.
    public var x: Double?
    public var y: Double?
    public var z: Double?
    /// The storage root, overriding the configuration's.
    public var output: String?
    /// 0 quiet, 1 normal, 2 per-job messages, 3 more.
    public var verbosity = 1
    /// The seed of all random numbers; random (and recorded in the manifest) when `nil`.
    public var seed: UInt64?

    public init() {}
}

/// A failure of the compile pipeline that is not a configuration error.
public struct CompileError: BsbUserError, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
