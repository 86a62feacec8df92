//! The one tree every reader gives the decoder: values with the position of every
//! key and value. The YAML, JSON and TOML parsers (`nianbao-files`), the workbook
//! reader and the readers of published reports each build a [`Node`], so that the
//! decoder and every diagnostic see one shape and real places (line and column, sheet
//! and cell, page and line). Numbers keep the text they were written with, so money
//! amounts never pass through a binary float. No parser lives here: this crate reads
//! no file format.

use crate::diag::Pos;

/// A scalar value, with numbers kept as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// null, `~`, or nothing.
    Null,
    /// true / false.
    Bool(bool),
    /// An integer literal, in decimal digits with an optional sign.
    Int(String),
    /// A number with a fraction or exponent, as written.
    Float(String),
    /// A string (quoted, or plain text that is not a number).
    Str(String),
}

/// A value in the tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar.
    Scalar(Scalar),
    /// A list.
    Seq(Vec<Node>),
    /// A map, in the order written; keys with their own positions.
    Map(Vec<(String, Pos, Node)>),
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub pos: Pos,
    /// For text written as a YAML block scalar (`|`, `>`): the text starts on the next line.
    pub block_text: bool,
}

impl Node {
    /// A value at a place, not written as a block scalar.
    pub fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            block_text: false,
        }
    }

    /// A short Chinese description of the kind of value, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(Scalar::Null) => "空值",
            Value::Scalar(Scalar::Bool(_)) => "布尔值",
            Value::Scalar(Scalar::Int(_)) => "整数",
            Value::Scalar(Scalar::Float(_)) => "小数",
            Value::Scalar(Scalar::Str(_)) => "文本",
            Value::Seq(_) => "列表",
            Value::Map(_) => "映射",
        }
    }
}
