// The network configuration parser behind `bsb compile`: JSON text to a checked `NetworkConfiguration`. Checks,
// beyond "never traps":
// - every failure is a `ConfigurationError` (the CLI prints those as one line with the key path, exit 1);
//   malformed JSON has no key path, only the line and column;
// - the order-keeping JSON tree serialises (compact and indented) to text that parses back to the same tree;
// - an accepted configuration, written out from its tree, is accepted again.
import BsbWorkflow
import FuzzSupport

let registry = BsbEntryPoints.registry

Fuzz.run { input in
    let bytes = Array(input)
    let document = try? JSONValue.parse(bytes: bytes)
    if let document {
        for pretty in [false, true] {
            let text = document.serialized(pretty: pretty)
            guard let again = try? JSONValue.parse(text) else {
                Fuzz.violated("serialised JSON does not parse (pretty: \(pretty)):\n\(text.prefix(2000))")
            }
            guard again == document else {
                Fuzz.violated("JSON changed through serialisation (pretty: \(pretty)):\n\(text.prefix(2000))")
            }
        }
    }
    do {
        let configuration = try NetworkConfiguration.parse(bytes: bytes, registry: registry)
        guard document != nil else { Fuzz.violated("a configuration was accepted from malformed JSON") }
        do {
            _ = try NetworkConfiguration.parse(configuration.source.serialized(pretty: true), registry: registry)
        } catch {
            Fuzz.violated("an accepted configuration, written out, is rejected: \(error)")
        }
    } catch let error as ConfigurationError {
        if document == nil, !error.path.isEmpty {
            Fuzz.violated("malformed JSON reported at key path '\(error.path)': \(error.message)")
        }
        if document != nil, error.message.hasPrefix("malformed JSON") {
            Fuzz.violated("well-formed JSON reported as malformed: \(error.message)")
        }
        _ = error.description
    } catch {
        Fuzz.violated("not a ConfigurationError: \(type(of: error)): \(error)")
    }
}
