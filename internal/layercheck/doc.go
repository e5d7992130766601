// Package layercheck holds TestLayers, which checks the map of
// DEVELOPERS.md ("a package imports only from layers below it") against the
// imports of the module's Go files. It has no code of its own.
package layercheck
