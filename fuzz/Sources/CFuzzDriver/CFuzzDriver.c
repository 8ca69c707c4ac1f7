// SwiftPM builds a C target only when it has a source file; the declaration in the header is all there is.
#include "CFuzzDriver.h"
