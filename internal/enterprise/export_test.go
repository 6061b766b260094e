package enterprise

// parseDate is exported to the tests of package enterprise_test.
var ParseDateForTest = parseDate
