#+ summary: Drop a source generation's graph once it is empty. <$graph> is filled in by the package.
DROP SILENT GRAPH <$graph>
