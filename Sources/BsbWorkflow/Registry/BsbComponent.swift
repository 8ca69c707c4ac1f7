/// The kinds of plug-in component the engine calls into; each call becomes a `Class.method` span.
public enum ComponentType: String, Sendable {
    case placement
    case connectivity
    case partition
    case storage
    case postprocessing
}

/// A strategy, partition or storage engine: something the engine calls and traces without its help.
///
/// A conforming type writes no tracing code: the engine wraps every call it makes into it in a span named
/// `componentClass.method` (`storage.method` for storage engines).
public protocol BsbComponent: Sendable {
    /// What kind of component this is (`bsb.component_type`).
    static var componentType: ComponentType { get }
    /// The class name used in span names (`bsb.component_class`); the Swift type name by default.
    static var componentClass: String { get }
}

extension BsbComponent {
    public static var componentClass: String { String(describing: Self.self) }
}
