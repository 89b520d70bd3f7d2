#include "returns/csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cairn {
namespace {

using Fields = std::vector<std::string>;

CsvTable ParseOk(std::string_view text, std::string_view source = "test.csv") {
  Result<CsvTable> table = ParseCsv(text, source);
  EXPECT_TRUE(table.ok()) << table.status().message();
  if (!table.ok()) return CsvTable{};
  return std::move(table).value();
}

std::string ParseError(std::string_view text, std::string_view source = "test.csv") {
  Result<CsvTable> table = ParseCsv(text, source);
  EXPECT_FALSE(table.ok());
  if (table.ok()) return "";
  EXPECT_EQ(table.status().code(), Status::Code::kInvalidArgument);
  return table.status().message();
}

std::vector<int> Lines(const CsvTable& table) {
  std::vector<int> lines;
  for (const CsvRecord& record : table.records) lines.push_back(record.line);
  return lines;
}

TEST(ParseCsvTest, ReadsHeaderAndRecordsWithTheirLines) {
  CsvTable table = ParseOk("CHILD,DOB\n566910,27/03/2008\n384923,09/09/2011\n", "header.csv");
  EXPECT_EQ(table.source, "header.csv");
  EXPECT_EQ(table.header_line, 1);
  EXPECT_EQ(table.header, (Fields{"CHILD", "DOB"}));
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0], (CsvRecord{2, {"566910", "27/03/2008"}}));
  EXPECT_EQ(table.records[1], (CsvRecord{3, {"384923", "09/09/2011"}}));
  EXPECT_TRUE(table.problems.empty());
}

TEST(ParseCsvTest, HeaderOnlyIsAnEmptyTable) {
  CsvTable table = ParseOk("CHILD,DOB");
  EXPECT_EQ(table.header, (Fields{"CHILD", "DOB"}));
  EXPECT_TRUE(table.records.empty());
}

TEST(ParseCsvTest, LastLineNeedsNoLineEndingAndEmptyValuesAreKept) {
  CsvTable table = ParseOk("A,B,C\n,,\nx,,\n1,2,");
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[0].fields, (Fields{"", "", ""}));
  EXPECT_EQ(table.records[1].fields, (Fields{"x", "", ""}));
  EXPECT_EQ(table.records[2].fields, (Fields{"1", "2", ""}));
}

TEST(ParseCsvTest, StripsUtf8ByteOrderMarks) {
  CsvTable table = ParseOk("\xEF\xBB\xBF" "CHILD,DOB\r\nC1,01/01/2020\r\n");
  EXPECT_EQ(table.header, (Fields{"CHILD", "DOB"}));
  EXPECT_EQ(table.records[0].line, 2);
  // Some tools add a second mark in front of the first.
  CsvTable doubled = ParseOk("\xEF\xBB\xBF\xEF\xBB\xBF" "CHILD\nC1\n");
  EXPECT_EQ(doubled.header, (Fields{"CHILD"}));
  // A mark anywhere else is data.
  CsvTable later = ParseOk("A,B\n\xEF\xBB\xBFx,y\n");
  EXPECT_EQ(later.records[0].fields[0], "\xEF\xBB\xBFx");
}

TEST(ParseCsvTest, AcceptsEveryLineEnding) {
  const Fields header{"A", "B"};
  for (std::string_view text : {"A,B\r\n1,2\r\n3,4\r\n", "A,B\n1,2\n3,4\n", "A,B\r1,2\r3,4\r", "A,B\r\n1,2\r3,4\n"}) {
    CsvTable table = ParseOk(text);
    EXPECT_EQ(table.header, header);
    ASSERT_EQ(table.records.size(), 2u) << text;
    EXPECT_EQ(table.records[0], (CsvRecord{2, {"1", "2"}}));
    EXPECT_EQ(table.records[1], (CsvRecord{3, {"3", "4"}}));
  }
}

TEST(ParseCsvTest, QuotedValuesKeepCommasQuotesAndLineBreaks) {
  CsvTable table = ParseOk(
      "ID,NOTE\n"
      "1,\"Smith, Jo\"\n"
      "2,\"she said \"\"no\"\"\"\n"
      "3,\"\"\n"
      "4,\"\"\"\"\n"
      "5,\"a\nb\"\n"
      "6,\"c\r\nd\re\"\n");
  ASSERT_EQ(table.records.size(), 6u);
  EXPECT_EQ(table.records[0].fields[1], "Smith, Jo");
  EXPECT_EQ(table.records[1].fields[1], "she said \"no\"");
  EXPECT_EQ(table.records[2].fields[1], "");
  EXPECT_EQ(table.records[3].fields[1], "\"");
  EXPECT_EQ(table.records[4].fields[1], "a\nb");
  EXPECT_EQ(table.records[5].fields[1], "c\r\nd\re");  // line breaks kept exactly as written
}

TEST(ParseCsvTest, LineNumbersStayRightAfterQuotedLineBreaks) {
  CsvTable table = ParseOk(
      "ID,NOTE\r\n"           // line 1
      "1,\"two\r\nlines\"\r\n"  // lines 2-3
      "2,plain\r\n"            // line 4
      "3,\"three\nlines\n\"\n"   // lines 5-7
      "4,\"lone\rcr\"\r"       // lines 8-9
      "5,x,extra\n"            // line 10: a problem
      "6,end\n");              // line 11
  EXPECT_EQ(Lines(table), (std::vector<int>{2, 4, 5, 8, 11}));
  ASSERT_EQ(table.problems.size(), 1u);
  EXPECT_EQ(table.problems[0].line, 10);
  // An error after a quoted line break points at the right line too.
  EXPECT_EQ(ParseError("A,B\n1,\"x\ny\"\n2,a\"b\n"), "test.csv line 4, column 4 (field B): a double quote inside a "
                                                    "value that does not start with one; enclose the whole value in "
                                                    "double quotes and double each quote inside it (\"\")");
}

TEST(ParseCsvTest, SkipsBlankLinesAnywhere) {
  CsvTable table = ParseOk("\n\r\nA,B\n\n1,2\r\n\r\n\r3,4\n\n\n\r\n");
  EXPECT_EQ(table.header_line, 3);
  EXPECT_EQ(Lines(table), (std::vector<int>{5, 8}));
  EXPECT_TRUE(table.problems.empty());
  // A one-column table: an empty value must be quoted to count as a record.
  CsvTable one = ParseOk("A\n\n\"\"\nx\n\n");
  ASSERT_EQ(one.records.size(), 2u);
  EXPECT_EQ(one.records[0], (CsvRecord{3, {""}}));
  EXPECT_EQ(one.records[1], (CsvRecord{4, {"x"}}));
}

TEST(ParseCsvTest, TrimsHeaderNamesButNotValues) {
  CsvTable table = ParseOk(" CHILD ,\tDOB\t,\" SEX\"\n 12 , a\t,\" b \"\n");
  EXPECT_EQ(table.header, (Fields{"CHILD", "DOB", "SEX"}));
  EXPECT_EQ(table.records[0].fields, (Fields{" 12 ", " a\t", " b "}));
}

TEST(ParseCsvTest, RecordsWithTheWrongFieldCountBecomeProblems) {
  CsvTable table = ParseOk("A,B,C\n1,2,3\n1,2\n1,2,3,4\n\"x,y\",z\nonly\n7,8,9\n", "episodes.csv");
  EXPECT_EQ(Lines(table), (std::vector<int>{2, 7}));
  ASSERT_EQ(table.problems.size(), 4u);
  EXPECT_EQ(table.problems[0], (CsvProblem{3, "episodes.csv line 3: 2 fields, but the header has 3"}));
  EXPECT_EQ(table.problems[1], (CsvProblem{4, "episodes.csv line 4: 4 fields, but the header has 3"}));
  EXPECT_EQ(table.problems[2], (CsvProblem{5, "episodes.csv line 5: 2 fields, but the header has 3"}));
  EXPECT_EQ(table.problems[3], (CsvProblem{6, "episodes.csv line 6: 1 field, but the header has 3"}));
}

TEST(ParseCsvTest, UnterminatedQuoteNamesFileLineColumnAndField) {
  const std::string text =
      "CHILD,DECOM,HOME_POST\n"
      "566910,15/02/2016,EG19 7TT\n"
      "566911,\"14/08/2017,WV27 9FW\n"
      "566912,01/01/2018,AB1 2CD\n";
  EXPECT_EQ(ParseError(text, "episodes.csv"),
            "episodes.csv line 3, column 8 (field DECOM): this value opens with a double quote that is never "
            "closed, so the rest of the file cannot be read; close the quote, or double any quote inside the value "
            "(\"\")");
  // In the header, the field is named by its position.
  EXPECT_EQ(ParseError("A,\"B\n"), "test.csv line 1, column 3 (header field 2): this value opens with a double "
                                   "quote that is never closed, so the rest of the file cannot be read; close the "
                                   "quote, or double any quote inside the value (\"\")");
}

TEST(ParseCsvTest, ColumnsCountCharactersNotBytes) {
  // "é" and "ï" are two bytes each in UTF-8; the stray quote is the 6th character.
  EXPECT_EQ(ParseError("NAME,X\nZoë,ï\"\n").substr(0, 38), "test.csv line 2, column 6 (field X): a");
}

TEST(ParseCsvTest, StrayQuotesAndTextAfterAClosingQuoteAreErrors) {
  EXPECT_EQ(ParseError("A,B\n1,ab\"c\n"), "test.csv line 2, column 5 (field B): a double quote inside a value that "
                                          "does not start with one; enclose the whole value in double quotes and "
                                          "double each quote inside it (\"\")");
  // A quote after a leading space is not an opening quote.
  EXPECT_NE(ParseError("A,B\n1, \"b\"\n").find("line 2, column 4 (field B): a double quote inside"), std::string::npos);
  EXPECT_EQ(ParseError("A,B\n\"1\"x,2\n"), "test.csv line 2, column 4 (field A): text follows the closing double "
                                           "quote of a quoted value; a quoted value must be followed by a comma or "
                                           "the end of the line");
  // A value beyond the header's width is named by position.
  EXPECT_NE(ParseError("A\n1,2,\"3\" \n").find("(field 3, beyond the header's 1)"), std::string::npos);
}

TEST(ParseCsvTest, NulBytesAreErrors) {
  const std::string nul_unquoted("A,B\n1,x\0y\n", 11);
  EXPECT_EQ(ParseError(nul_unquoted), "test.csv line 2, column 4 (field B): the file contains a NUL byte, so it is "
                                      "not a CSV text file (is it a spreadsheet, or saved as UTF-16?)");
  const std::string nul_quoted("A,B\n1,\"x\0\"\n", 11);
  EXPECT_NE(ParseError(nul_quoted).find("line 2, column 5 (field B): the file contains a NUL byte"), std::string::npos);
  const std::string nul_after_quote("A,B\n1,\"x\"\0\n", 11);
  EXPECT_NE(ParseError(nul_after_quote).find("NUL byte"), std::string::npos);
}

TEST(ParseCsvTest, EmptyFilesAndUtf16AreErrors) {
  EXPECT_EQ(ParseError("", "episodes.csv"),
            "episodes.csv is empty; a CSV file must start with a header line naming its columns");
  EXPECT_EQ(ParseError("\xEF\xBB\xBF", "episodes.csv"),
            "episodes.csv is empty; a CSV file must start with a header line naming its columns");
  EXPECT_EQ(ParseError("\r\n\n\r", "episodes.csv"),
            "episodes.csv holds only blank lines; a CSV file must start with a header line naming its columns");
  EXPECT_EQ(ParseError(std::string("\xFF\xFE" "C\0H\0", 6), "episodes.csv"),
            "episodes.csv is saved as UTF-16 text; save it as \"CSV UTF-8 (comma delimited)\" and try again");
}

TEST(ParseCsvTest, HeaderNamesMustBePresentAndUnique) {
  EXPECT_EQ(ParseError("CHILD,DOB,CHILD,SEX, DOB,CHILD\n1,2,3,4,5,6\n", "header.csv"),
            "header.csv line 1: the header repeats the column names CHILD (columns 1, 3 and 6) and DOB (columns 2 "
            "and 5); each column name must be unique");
  EXPECT_EQ(ParseError("\nA,B,A\n"),
            "test.csv line 2: the header repeats the column name A (columns 1 and 3); each column name must be unique");
  EXPECT_EQ(ParseError("CHILD,,DOB\n"),
            "test.csv line 1: column 2 of the header has no name; every column in the header needs one");
  EXPECT_EQ(ParseError("CHILD, \t\n"),
            "test.csv line 1: column 2 of the header has no name; every column in the header needs one");
}

TEST(ParseCsvTest, InvalidUtf8PassesThroughAsBytes) {
  CsvTable table = ParseOk("NAME\n\xFF\xC3(\n\"\x80\"\n");
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].fields[0], "\xFF\xC3(");
  EXPECT_EQ(table.records[1].fields[0], "\x80");
}

TEST(ParseCsvTest, FindsColumnsByName) {
  CsvTable table = ParseOk("CHILD, DECOM ,RNE\n", "episodes.csv");
  EXPECT_EQ(table.FindColumn("DECOM"), 1u);
  EXPECT_EQ(table.FindColumn("decom"), std::nullopt);  // case matters
  EXPECT_EQ(table.FindColumn("REC"), std::nullopt);
  Result<std::size_t> rne = table.ColumnIndex("RNE");
  ASSERT_TRUE(rne.ok());
  EXPECT_EQ(*rne, 2u);
  Result<std::size_t> rec = table.ColumnIndex("REC");
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(rec.status().message(), "episodes.csv line 1: the header has no column REC (it has CHILD, DECOM and RNE)");
}

TEST(ParseCsvTest, LargeInputParsesInOnePass) {
  // About 10 MB, with quoted values and embedded line breaks to keep the slow paths busy.
  std::string text = "CHILD,DECOM,NOTE\r\n";
  const int kRecords = 200'000;
  for (int i = 0; i < kRecords; ++i) {
    text += std::to_string(100000 + i);
    text += ",15/02/2016,";
    text += (i % 2 == 0) ? "\"a note, with \"\"quotes\"\"\r\nand a second line\"\r\n" : "plain words here\r\n";
  }
  ASSERT_GT(text.size(), 10'000'000u);
  CsvTable table = ParseOk(text);
  ASSERT_EQ(table.records.size(), static_cast<std::size_t>(kRecords));
  EXPECT_EQ(table.records.back().line, 2 + kRecords / 2 * 3 - 1);
  EXPECT_EQ(table.records[0].fields[2], "a note, with \"quotes\"\r\nand a second line");
}

TEST(ParseCsvTest, PathologicalInputsStayLinear) {
  // An unterminated quote at the start of a long file is reported against its opening line.
  std::string unterminated = "A\n\"";
  unterminated.append(2'000'000, 'x');
  EXPECT_EQ(ParseError(unterminated).substr(0, 58), "test.csv line 2, column 1 (field A): this value opens with");
  // A value of a million doubled quotes: read in one pass, and left out as too long to keep; a
  // value of thirty thousand is kept.
  std::string quotes = "A\n\"";
  for (int i = 0; i < 1'000'000; ++i) quotes += "\"\"";
  quotes += "\"\n";
  const CsvTable long_quotes = ParseOk(quotes);
  EXPECT_TRUE(long_quotes.records.empty());
  EXPECT_EQ(long_quotes.problems.size(), 1u);
  std::string some_quotes = "A\n\"";
  for (int i = 0; i < 30'000; ++i) some_quotes += "\"\"";
  some_quotes += "\"\n";
  EXPECT_EQ(ParseOk(some_quotes).records.at(0).fields.at(0).size(), 30'000u);
  // A header of a hundred thousand columns, then a record of commas only.
  std::string wide;
  for (int i = 0; i < 100'000; ++i) wide += (i ? ",c" : "c") + std::to_string(i);
  wide += "\n" + std::string(99'999, ',') + "\n";
  CsvTable table = ParseOk(wide);
  EXPECT_EQ(table.records.at(0).fields.size(), 100'000u);
  // A hundred thousand problem records.
  std::string short_rows = "A,B\n";
  for (int i = 0; i < 100'000; ++i) short_rows += "x\n";
  EXPECT_EQ(ParseOk(short_rows).problems.size(), 100'000u);
  // Repeated names: the message lists a few, not all of them.
  std::string repeated = "A";
  for (int i = 0; i < 100'000; ++i) repeated += ",A";
  EXPECT_LT(ParseError(repeated).size(), 300u);
}

// FormatCsvRow and CsvWriter.

TEST(FormatCsvRowTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(FormatCsvRow({"566910", "27/03/2008", ""}), "566910,27/03/2008,\r\n");
  EXPECT_EQ(FormatCsvRow({"Smith, Jo"}), "\"Smith, Jo\"\r\n");
  EXPECT_EQ(FormatCsvRow({"say \"hi\""}), "\"say \"\"hi\"\"\"\r\n");
  EXPECT_EQ(FormatCsvRow({"a\nb", "c\rd", "e\r\nf"}), "\"a\nb\",\"c\rd\",\"e\r\nf\"\r\n");
  EXPECT_EQ(FormatCsvRow({" lead", "trail ", "\ttab", "in side"}), "\" lead\",\"trail \",\"\ttab\",in side\r\n");
  // Values that would look like a byte order mark at the start of the file.
  EXPECT_EQ(FormatCsvRow({"\xEF\xBB\xBFx", "caf\xC3\xA9"}), "\"\xEF\xBB\xBFx\",caf\xC3\xA9\r\n");
  EXPECT_EQ(FormatCsvRow({"\xFF\xFEx", "\xFE\xFF"}), "\"\xFF\xFEx\",\"\xFE\xFF\"\r\n");
  // A record of one empty value would otherwise be a blank line, which readers skip.
  EXPECT_EQ(FormatCsvRow({""}), "\"\"\r\n");
  EXPECT_EQ(FormatCsvRow({"", ""}), ",\r\n");
  std::string out = "x";
  AppendCsvRow({"a", "b"}, out);
  EXPECT_EQ(out, "xa,b\r\n");
}

TEST(CsvWriterTest, WritesHeaderThenRows) {
  CsvWriter writer({"CHILD", "DOB"});
  EXPECT_EQ(writer.text(), "CHILD,DOB\r\n");
  ASSERT_TRUE(writer.AddRow({"566910", "27/03/2008"}).ok());
  ASSERT_TRUE(writer.AddRow({"384923", ""}).ok());
  EXPECT_EQ(writer.row_count(), 2);
  EXPECT_EQ(writer.text(), "CHILD,DOB\r\n566910,27/03/2008\r\n384923,\r\n");
}

TEST(CsvWriterTest, RefusesRowsItCouldNotReadBack) {
  CsvWriter writer({"CHILD", "DOB"});
  Status short_row = writer.AddRow({"566910"});
  EXPECT_EQ(short_row.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(short_row.message(), "cannot write a CSV row of 1 field under a header of 2 fields (first column CHILD)");
  Status nul = writer.AddRow({"1", std::string("a\0b", 3)});
  EXPECT_EQ(nul.message(), "cannot write a CSV row whose field DOB holds a NUL byte; the file could not be read back");
  EXPECT_EQ(writer.row_count(), 0);
  EXPECT_EQ(writer.text(), "CHILD,DOB\r\n");
}

TEST(CsvWriterTest, RefusesHeadersItCouldNotReadBack) {
  EXPECT_THROW(CsvWriter(Fields{}), std::invalid_argument);
  EXPECT_THROW(CsvWriter(Fields{"A", ""}), std::invalid_argument);
  EXPECT_THROW(CsvWriter(Fields{"A", " B"}), std::invalid_argument);
  EXPECT_THROW(CsvWriter(Fields{"A", "B\n"}), std::invalid_argument);
  EXPECT_THROW(CsvWriter(Fields{"A", "A"}), std::invalid_argument);
  EXPECT_NO_THROW(CsvWriter(Fields{"A", "B C", "\"D\",E"}));
}

TEST(CsvRoundTripTest, ParseOfWriteGivesBackTheSameValues) {
  const std::vector<Fields> rows = {
      {"plain", "", "with, comma", "\"quoted\"", "\""},
      {"a\nb", "c\r\nd", "e\rf", "\r", "\n"},
      {" ", "\t", " lead", "trail ", "  both  "},
      {"\xEF\xBB\xBF", "\xEF\xBB\xBF" "x", "caf\xC3\xA9", "\xFF\xFE", "\x80"},
      {"", "", "", "", ""},
      {",", ",,", "\"\"", "a\"b", "\"\r\n\""},
  };
  CsvWriter writer({"\xEF\xBB\xBF" "A", "B B", "C,C", "\"D\"", "E\nE"});
  CsvWriter utf16_lookalike({"\xFF\xFE" "A"});
  EXPECT_EQ(ParseOk(utf16_lookalike.text()).header, utf16_lookalike.header());
  for (const Fields& row : rows) ASSERT_TRUE(writer.AddRow(row).ok());
  CsvTable table = ParseOk(writer.text());
  EXPECT_EQ(table.header, writer.header());
  ASSERT_EQ(table.records.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(table.records[i].fields, rows[i]) << "row " << i;
  EXPECT_TRUE(table.problems.empty());
}

TEST(CsvRoundTripTest, OneColumnTablesKeepEmptyValues) {
  CsvWriter writer({"NOTE"});
  for (const char* value : {"", "x", "", ""}) ASSERT_TRUE(writer.AddRow({value}).ok());
  CsvTable table = ParseOk(writer.text());
  ASSERT_EQ(table.records.size(), 4u);
  EXPECT_EQ(table.records[0].fields, Fields{""});
  EXPECT_EQ(table.records[3].fields, Fields{""});
}

TEST(SpreadsheetTest, TextThatStartsLikeAFormulaIsNeutralisedAndNumbersAreNot) {
  for (const char* formula : {"=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "-1+1", "-", "+", "\t=1", "\r=1", "-1e",
                              "=HYPERLINK(\"http://x\")"}) {
    EXPECT_TRUE(LooksLikeSpreadsheetFormula(formula)) << formula;
    EXPECT_EQ(NeutraliseForSpreadsheet(formula), std::string("'") + formula);
  }
  for (const char* plain : {"", "566910", "-3", "+44", "-0.5", "-1e5", "1E-3", "WBRI", "a=b", " =1"}) {
    EXPECT_FALSE(LooksLikeSpreadsheetFormula(plain)) << plain;
    EXPECT_EQ(NeutraliseForSpreadsheet(plain), plain);
  }
}

TEST(ParseCsvTest, AValueTooLongForAnyReturnLeavesItsRecordOut) {
  const std::string text = "CHILD,UPN\n1," + std::string(kMaxCsvFieldBytes + 1, 'A') + "\n2,B\n";
  CsvTable table = ParseOk(text, "header.csv");
  ASSERT_EQ(table.records.size(), 1u);
  EXPECT_EQ(table.records[0].fields[0], "2");
  ASSERT_EQ(table.problems.size(), 1u);
  EXPECT_EQ(table.problems[0].line, 2);
  EXPECT_NE(table.problems[0].message.find("field UPN is 65537 bytes long"), std::string::npos)
      << table.problems[0].message;
}

// Quoted, with doubled quotes and a line break inside, the value's length is what it holds; a
// value exactly at the limit is kept; the lines after it are counted right.
TEST(ParseCsvTest, AQuotedValueTooLongIsMeasuredAsWrittenAndTheLimitItselfIsKept) {
  const std::string half(kMaxCsvFieldBytes / 2, 'A');
  const std::string text = "CHILD,UPN\n1,\"" + half + "\"\"\n" + half + "\"\n2," +
                           std::string(kMaxCsvFieldBytes, 'B') + "\n3,C\n";
  CsvTable table = ParseOk(text, "header.csv");
  ASSERT_EQ(table.problems.size(), 1u);
  EXPECT_EQ(table.problems[0].line, 2);
  // half + one quote + one line break + half = the limit + 2.
  EXPECT_NE(table.problems[0].message.find("is " + std::to_string(kMaxCsvFieldBytes + 2) + " bytes long"),
            std::string::npos)
      << table.problems[0].message;
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].line, 4);
  EXPECT_EQ(table.records[0].fields[1].size(), kMaxCsvFieldBytes);
  EXPECT_EQ(table.records[1].fields, (std::vector<std::string>{"3", "C"}));
}

// Files.

class CsvFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_csv_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(CsvFileTest, WriteFileThenReadCsvFile) {
  CsvWriter writer({"CHILD", "NOTE"});
  ASSERT_TRUE(writer.AddRow({"1", "two\nlines, \"quoted\""}).ok());
  const std::string path = (dir_ / "notes.csv").string();
  ASSERT_TRUE(writer.WriteFile(path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  Result<CsvTable> table = ReadCsvFile(path);
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->source, "notes.csv");
  ASSERT_EQ(table->records.size(), 1u);
  EXPECT_EQ(table->records[0].fields[1], "two\nlines, \"quoted\"");
}

TEST_F(CsvFileTest, ReadCsvFileNamesTheFileInErrors) {
  const std::string missing = (dir_ / "missing.csv").string();
  Result<CsvTable> table = ReadCsvFile(missing);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(table.status().message(), "missing.csv was not found (" + missing + ")");

  EXPECT_EQ(ReadCsvFile(dir_.string()).status().code(), Status::Code::kIoError);

  const std::filesystem::path broken = dir_ / "episodes.csv";
  std::ofstream(broken, std::ios::binary) << "CHILD,DECOM\n1,\"2\n";
  EXPECT_EQ(ReadCsvFile(broken.string()).status().message().substr(0, 40), "episodes.csv line 2, column 3 (field DEC");
}

TEST_F(CsvFileTest, WriteFileReportsFailure) {
  CsvWriter writer({"A"});
  Status status = writer.WriteFile((dir_ / "no_such_folder" / "a.csv").string());
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_NE(status.message().find("no_such_folder"), std::string::npos);
}

TEST_F(CsvFileTest, WriteFileNeverWritesThroughAPlantedLink) {
  const std::filesystem::path victim = dir_ / "victim.txt";
  std::ofstream(victim) << "keep me";
  const std::string path = (dir_ / "findings.csv").string();
  std::filesystem::create_symlink(victim, path + ".tmp");
  CsvWriter writer({"CHILD"});
  ASSERT_TRUE(writer.AddRow({"566910"}).ok());
  ASSERT_TRUE(writer.WriteFile(path).ok());
  std::ifstream in(victim);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "keep me");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// The DfE's fake SSDA903 data, as shipped with its validator. Counts checked independently
// (Python's csv module) when these tests were written.

std::string Ssda903(const char* name) { return std::string(CAIRN_REFERENCE_DIR) + "/ssda903/" + name; }

TEST(CsvReferenceTest, ReadsEverySsda903File) {
  struct Expected {
    const char* file;
    std::size_t columns;
    std::size_t records;
  };
  const Expected expected[] = {
      {"903_2024_25_rule_info.csv", 4, 312},
      {"DoLo.csv", 4, 1},
      {"ad1.csv", 8, 29},
      {"episodes.csv", 13, 5050},
      {"header.csv", 7, 2675},
      {"missing.csv", 5, 43},
      {"oc2.csv", 12, 2675},
      {"oc3.csv", 5, 53},
      {"placed_for_adoption.csv", 5, 29},
      {"previous_permanence.csv", 5, 2675},
      {"reviews.csv", 4, 12582},
      {"sw_episodes.csv", 6, 1},
      {"uasc.csv", 4, 132},
  };
  std::size_t files_seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Ssda903(""))) {
    if (entry.path().extension() == ".csv") ++files_seen;
  }
  EXPECT_EQ(files_seen, std::size(expected)) << "a reference CSV was added or removed; update this list";
  for (const Expected& e : expected) {
    Result<CsvTable> table = ReadCsvFile(Ssda903(e.file));
    ASSERT_TRUE(table.ok()) << table.status().message();
    EXPECT_EQ(table->source, e.file);
    EXPECT_EQ(table->header.size(), e.columns) << e.file;
    EXPECT_EQ(table->records.size(), e.records) << e.file;
    EXPECT_TRUE(table->problems.empty()) << e.file << ": " << table->problems.front().message;
    EXPECT_EQ(table->header[0], e.file == std::string("903_2024_25_rule_info.csv") ? "Rule code" : "CHILD");
  }
}

TEST(CsvReferenceTest, EpisodesLookLikeEpisodes) {
  Result<CsvTable> table = ReadCsvFile(Ssda903("episodes.csv"));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->header, (Fields{"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}));
  EXPECT_EQ(table->records.front(),
            (CsvRecord{2, {"566910", "15/02/2016", "L", "C2", "N3", "T2", "PR0", "14/08/2017", "X1", "CLOSE", "", "",
                           "4244474"}}));
  EXPECT_EQ(table->records.back().line, 5051);
}

TEST(CsvReferenceTest, SwEpisodesHasAByteOrderMarkAndCrlf) {
  Result<CsvTable> table = ReadCsvFile(Ssda903("sw_episodes.csv"));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->header, (Fields{"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}));
  ASSERT_EQ(table->records.size(), 1u);
  EXPECT_EQ(table->records[0].fields.back(), "SWLAZY");  // no stray "\r"
  EXPECT_EQ(table->ColumnIndex("SW_ID").value_or(99), 2u);
}

TEST(CsvReferenceTest, RuleInfoQuotedValuesSurvive) {
  Result<CsvTable> table = ReadCsvFile(Ssda903("903_2024_25_rule_info.csv"));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->records[0].fields[2], "['ACCOM', 'ACTIV', 'IN_TOUCH']");
  EXPECT_EQ(table->records[0].fields[3], "['Episodes', 'OC3']");
}

}  // namespace
}  // namespace cairn
