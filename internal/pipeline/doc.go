// Package pipeline is the little orchestration the command line needs
// around the public stages: opening an input into a normalising reader,
// telling line-protocol inputs apart, draining a reader for validate, and
// converting into a file that appears only when complete. The stages
// themselves, and every count and reject, are the public packages' (frame,
// transform, sink).
package pipeline
