import Synchronization

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
    public static var componentClass: String { ComponentNames.name(of: Self.self) }
}

/// Type names, looked up once per type: the engine names a span after the component's type on every call, and
/// `String(describing:)` of a type asks the runtime for its protocol conformances each time, a scan of every
/// conformance in the binary (most of the tracing overhead of a compile before this cache).
enum ComponentNames {
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func name(of type: Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = _typeName(type, qualified: false)
        names.withLock { $0[key] = name }
        return name
    }
}
