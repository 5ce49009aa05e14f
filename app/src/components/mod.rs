pub mod backlog;
pub mod fault;
pub mod layout;
pub mod list;
pub mod live;
pub mod objects;
pub mod route_preview;
