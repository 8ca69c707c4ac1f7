/// Bounds on what one span keeps; what goes beyond is counted as dropped.
///
/// Defaults are the OpenTelemetry specification's (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` and friends).
public struct SpanLimits: Sendable, Equatable {
    public var attributeCountLimit: Int
    /// Strings longer than this are cut; nil means no limit.
    public var attributeValueLengthLimit: Int?
    public var eventCountLimit: Int
    public var linkCountLimit: Int
    public var attributePerEventCountLimit: Int
    public var attributePerLinkCountLimit: Int

    public init(
        attributeCountLimit: Int = 128, attributeValueLengthLimit: Int? = nil, eventCountLimit: Int = 128,
        linkCountLimit: Int = 128, attributePerEventCountLimit: Int = 128, attributePerLinkCountLimit: Int = 128
    ) {
        self.attributeCountLimit = attributeCountLimit
        self.attributeValueLengthLimit = attributeValueLengthLimit
        self.eventCountLimit = eventCountLimit
        self.linkCountLimit = linkCountLimit
        self.attributePerEventCountLimit = attributePerEventCountLimit
        self.attributePerLinkCountLimit = attributePerLinkCountLimit
    }

    /// `attributes` cut to `countLimit` entries and `attributeValueLengthLimit`, with the number dropped.
    func limited(_ attributes: Attributes, countLimit: Int) -> (Attributes, dropped: Int) {
        if attributes.count <= countLimit && attributeValueLengthLimit == nil { return (attributes, 0) }
        var kept = Attributes()
        var dropped = 0
        for entry in attributes {
            if !kept.set(entry.key, entry.value, countLimit: countLimit, valueLengthLimit: attributeValueLengthLimit) {
                dropped += 1
            }
        }
        return (kept, dropped)
    }
}
